package dev.kiln.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutEmbeddingTest {

    @Test
    void dropoutIsTheIdentityOutsideTrainingAndForZeroProbability() {
        Tensor x = Tensor.randn(new Generator(1), 4, 5);
        assertSame(x, F.dropout(x, 0.5, false, new Generator(2)));
        assertSame(x, F.dropout(x, 0, true, new Generator(2)));
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRestByOneOverOneMinusP() {
        Tensor x = Tensor.ones(100, 100);
        float[] y = F.dropout(x, 0.3, true, new Generator(3)).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.7f, v, 1e-6f);
            }
        }
        // 10,000 Bernoulli(0.3) draws: the count is 3000 +- 46 (one standard deviation).
        assertTrue(zeros > 2800 && zeros < 3200, "zeroed " + zeros);
    }

    @Test
    void dropoutIsReproducibleFromTheGeneratorsSeed() {
        Tensor x = Tensor.ones(50);
        float[] a = F.dropout(x, 0.5, true, new Generator(7)).toFloatArray();
        float[] b = F.dropout(x, 0.5, true, new Generator(7)).toFloatArray();
        float[] c = F.dropout(x, 0.5, true, new Generator(8)).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void dropoutGradientIsMaskedAndScaledLikeTheOutput() {
        Tensor x = Tensor.full(2, 10, 10).requiresGrad(true);
        Tensor y = F.dropout(x, 0.25, true, new Generator(4));
        y.sum().backward();
        float[] out = y.toFloatArray();
        float[] grad = x.grad().toFloatArray();
        for (int i = 0; i < out.length; i++) {
            assertEquals(out[i] / 2, grad[i], 1e-6f);
        }
        Tensor all = F.dropout(x, 1, true, new Generator(4));
        assertArrayEquals(new float[100], all.toFloatArray());
    }

    @Test
    void dropoutRejectsAProbabilityOutsideZeroToOne() {
        ShapeException e = assertThrows(ShapeException.class, () -> F.dropout(Tensor.ones(3), 1.5, true));
        assertEquals("dropout: probability must be between 0 and 1, got 1.5", e.getMessage());
    }

    @Test
    void embeddingPicksRowsAndKeepsTheIndexShape() {
        Tensor weight = Tensor.arange(DType.FLOAT32, 0, 12, 1).reshape(4, 3);
        Tensor idx = Tensor.of(new long[] {3, 0, 3, 1, 2, 2}, 2, 3);
        Tensor y = F.embedding(idx, weight);
        assertArrayEquals(new int[] {2, 3, 3}, y.shape());
        assertArrayEquals(new float[] {9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5, 6, 7, 8, 6, 7, 8}, y.toFloatArray());
    }

    @Test
    void embeddingGradientSumsRepeatedRowsAndSkipsThePaddingRow() {
        Tensor weight = Tensor.ones(4, 2).requiresGrad(true);
        Tensor idx = Tensor.of(new int[] {1, 1, 0, 3, 1}, 5);
        Tensor y = F.embedding(idx, weight, 0);
        // The padding row's value is still returned; only its gradient is zero.
        assertArrayEquals(new float[] {1, 1}, y.select(0, 2).toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 0, 3, 3, 0, 0, 1, 1}, weight.grad().toFloatArray());
        Tensor w2 = Tensor.ones(4, 2).requiresGrad(true);
        F.embedding(idx, w2, -1).sum().backward(); // -1 is row 3
        assertArrayEquals(new float[] {1, 1, 3, 3, 0, 0, 0, 0}, w2.grad().toFloatArray());
    }

    @Test
    void embeddingGradientsMatchCentralDifferences() {
        Tensor weight = Tensor.randn(new Generator(5), DType.FLOAT64, 5, 3).requiresGrad(true);
        Tensor idx = Tensor.of(new long[] {4, 1, 1, 0, 2, 4}, 3, 2);
        // Row 3 is the padding row and is never looked up: the padding row's forward value deliberately has no
        // gradient, which central differences would see.
        GradCheck.check(in -> F.embedding(idx, in[0], 3).square(), weight);
        GradCheck.checkSecondOrder(in -> F.embedding(idx, in[0], 3).square(), weight);
    }

    @Test
    void embeddingRejectsBadIndices() {
        Tensor weight = Tensor.zeros(10, 4);
        ShapeException range = assertThrows(ShapeException.class,
                () -> F.embedding(Tensor.of(new long[] {2, 10}, 2), weight));
        assertEquals("embedding: index 10 (at flat position 1) is out of range for a table of 10 rows "
                + "(weight of shape [10, 4])", range.getMessage());
        assertThrows(ShapeException.class, () -> F.embedding(Tensor.zeros(3), weight));
        assertThrows(ShapeException.class, () -> F.embedding(Tensor.of(new long[] {1}, 1), weight, 10));
        assertThrows(ShapeException.class, () -> F.embedding(Tensor.of(new long[] {1}, 1), Tensor.zeros(10)));
    }
}
