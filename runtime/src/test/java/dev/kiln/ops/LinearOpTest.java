package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@code linear} is one op of its own: it must agree with {@code x W^T + b} and have its derivatives. */
class LinearOpTest {
    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    @Test
    void matchesMatmulPlusBiasForAnyLeadingShape() {
        Tensor w = leaf(1, 4, 3);
        Tensor b = leaf(2, 4);
        for (int[] shape : new int[][] {{3}, {5, 3}, {2, 5, 3}, {0, 3}}) {
            Tensor x = leaf(3, shape);
            Tensor expected = x.matmul(w.t()).add(b);
            Tensor y = Ops.linear(x, w, b);
            assertArrayEquals(expected.shape(), y.shape());
            assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12);
            assertArrayEquals(x.matmul(w.t()).toDoubleArray(), Ops.linear(x, w, null).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void readsNonContiguousInputsAndWeights() {
        Tensor x = leaf(4, 3, 5).t();
        Tensor w = leaf(5, 3, 4).t();
        assertArrayEquals(x.matmul(w.t()).toDoubleArray(), Ops.linear(x, w, null).toDoubleArray(), 1e-12);
    }

    @Test
    void gradientsOfFirstAndSecondOrder() {
        GradCheck.check(in -> Ops.linear(in[0], in[1], in[2]), leaf(6, 2, 3, 5), leaf(7, 4, 5), leaf(8, 4));
        GradCheck.check(in -> Ops.linear(in[0], in[1], null), leaf(9, 5), leaf(10, 4, 5));
        GradCheck.checkSecondOrder(in -> Ops.linear(in[0], in[1], in[2]).tanh(), leaf(11, 3, 5), leaf(12, 4, 5),
                leaf(13, 4));
    }

    @Test
    void theWeightGradientIsContiguous() {
        // Through matmul(x, W.t()) it was a transposed view, which the optimizer had to copy every step.
        Tensor x = leaf(14, 6, 5);
        Tensor w = leaf(15, 4, 5);
        Tensor gw = Autograd.grad(Ops.linear(x, w, null).sum(), new Tensor[] {w}, null, false)[0];
        assertTrue(gw.isContiguous());
    }

    @Test
    void mixedDtypesAreRejectedByName() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor w = Tensor.zeros(DType.FLOAT64, 4, 3);
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.linear(x, w, null));
        assertTrue(e.getMessage().startsWith("linear: "), e.getMessage());
    }
}
