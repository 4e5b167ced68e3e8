package dev.kiln.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The eager autograd engine: accumulation, detach, grad modes, graph lifetime, in-place checks, deep graphs. */
class AutogradTest {

    private static Tensor leaf(float... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    private static void assertValues(Tensor t, double... expected) {
        assertArrayEquals(expected, t.toDoubleArray(), 1e-6, () -> "values of " + t);
    }

    // ------------------------------------------------------------ accumulation and detach

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = leaf(1, 2, 3);
        x.mul(x).sum().backward();
        assertValues(x.grad(), 2, 4, 6);
        x.mul(3).sum().backward();
        assertValues(x.grad(), 5, 7, 9);
        x.setGrad(null);
        x.sum().backward();
        assertValues(x.grad(), 1, 1, 1);
    }

    @Test
    void aTensorUsedTwiceReceivesBothGradients() {
        Tensor x = leaf(2);
        Tensor y = x.mul(x).add(x.exp());
        y.backward();
        assertValues(x.grad(), 4 + Math.exp(2));
    }

    @Test
    void gradientsAreNotStoredOnNonLeavesUnlessRetained() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(2);
        Tensor k = h.mul(3).retainGrad();
        k.sum().backward();
        assertNull(h.grad(), "a non-leaf without retainGrad keeps no gradient");
        assertValues(k.grad(), 1, 1);
        assertValues(x.grad(), 6, 6);
        k.sum().backward();
        assertValues(k.grad(), 2, 2);
    }

    @Test
    void retainGradOnATensorWithoutGradFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.ones(2).retainGrad());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void detachSharesStorageAndStopsGradients() {
        Tensor x = leaf(1, 2, 3);
        Tensor d = x.mul(2).detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        Tensor y = x.mul(d).sum();
        y.backward();
        assertValues(x.grad(), 2, 4, 6);
        Tensor xd = x.detach();
        assertSame(x.storage(), xd.storage());
        assertFalse(xd.requiresGrad());
    }

    // ------------------------------------------------------------ grad modes

    @Test
    void noGradScopesNestAndRestore() {
        Tensor x = leaf(1, 2);
        assertTrue(GradMode.isEnabled());
        try (GradMode.Scope outer = GradMode.noGrad()) {
            assertFalse(x.mul(2).requiresGrad());
            try (GradMode.Scope inner = GradMode.noGrad()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing an inner noGrad must not turn recording back on");
            try (GradMode.Scope enable = GradMode.enableGrad()) {
                assertTrue(x.mul(2).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void noGradIsRestoredWhenTheBlockThrows() {
        assertThrows(IllegalArgumentException.class, () -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                throw new IllegalArgumentException("boom");
            }
        });
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void noGradIsPerThread() throws InterruptedException {
        AtomicReference<Boolean> other = new AtomicReference<>();
        try (GradMode.Scope s = GradMode.noGrad()) {
            Thread t = new Thread(() -> other.set(GradMode.isEnabled()));
            t.start();
            t.join();
        }
        assertTrue(other.get(), "another thread still records");
    }

    // ------------------------------------------------------------ graph lifetime

    @Test
    void secondBackwardWithoutRetainGraphFailsClearly() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x).sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("mul"), e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x).sum();
        y.backward(null, true, false);
        y.backward();
        assertValues(x.grad(), 4, 8);
    }

    @Test
    void backwardOfANonScalarNeedsAGradOutput() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        assertTrue(e.getMessage().contains("gradOutput"), e.getMessage());
        y.backward(Tensor.of(new float[] {1, 0, 2}, 3));
        assertValues(x.grad(), 2, 0, 4);
    }

    @Test
    void aFloat64GradOutputGivesFloat32Gradients() {
        Tensor x = leaf(1, 2);
        x.mul(3).backward(Tensor.of(new double[] {1, 2}, 2));
        assertEquals(DType.FLOAT32, x.grad().dtype());
        assertValues(x.grad(), 3, 6);
    }

    @Test
    void gradOutputOfTheWrongShapeIsRejected() {
        Tensor y = leaf(1, 2, 3).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void backwardOfATensorThatDoesNotRequireGradFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.ones(1).backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    // ------------------------------------------------------------ in-place modification

    @Test
    void inPlaceWriteToASavedTensorIsReportedWithTheOp() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(new float[] {3, 4}, 2);
        Tensor y = x.mul(c).sum();
        c.fill(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("mul:"), e.getMessage());
        assertTrue(e.getMessage().contains("modified in place"), e.getMessage());
    }

    @Test
    void inPlaceCopyIntoAViewOfASavedTensorIsReported() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.exp();
        Tensor z = y.sum();
        try (GradMode.Scope s = GradMode.noGrad()) {
            y.detach().slice(0, 1, 2).copyFrom(Tensor.zeros(1));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, z::backward);
        assertTrue(e.getMessage().startsWith("exp:"), e.getMessage());
    }

    @Test
    void leafThatRequiresGradCannotBeModifiedInPlaceWhileRecording() {
        Tensor x = leaf(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.fill(0));
        assertTrue(e.getMessage().contains("leaf") && e.getMessage().contains("noGrad"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> x.copyFrom(Tensor.zeros(2)));
        try (GradMode.Scope s = GradMode.noGrad()) {
            x.fill(5);
        }
        assertValues(x, 5, 5);
    }

    @Test
    void tensorInTheGraphCannotBeModifiedInPlaceWhileRecording() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.fill(0));
        assertTrue(e.getMessage().contains("mulBackward"), e.getMessage());
        Tensor view = x.slice(0, 0, 1);
        assertThrows(IllegalStateException.class, () -> view.fill(0));
    }

    // ------------------------------------------------------------ deep graphs

    @Test
    void millionNodeChainBackpropagatesOnASmallStack() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Double> grad = new AtomicReference<>();
        // A 512 KiB stack: a recursive walk over a million nodes would overflow it many times over.
        Thread worker = new Thread(null, () -> {
            try {
                Tensor x = Tensor.scalar(DType.FLOAT32, 0.5).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < 1_000_000; i++) {
                    y = y.add(1.0);
                }
                y = y.mul(3.0);
                y.backward();
                grad.set(x.grad().item());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "deep-chain", 512 * 1024);
        worker.start();
        worker.join();
        if (failure.get() != null) {
            throw new AssertionError("backward through a million nodes failed", failure.get());
        }
        assertEquals(3.0, grad.get(), 0);
    }

    // ------------------------------------------------------------ Autograd.grad

    @Test
    void gradReturnsGradientsOfChosenInputsWithoutTouchingGradFields() {
        Tensor x = leaf(1, 2);
        Tensor w = leaf(3, 4);
        Tensor unused = leaf(7);
        Tensor y = x.mul(w).sum();
        Tensor[] g = Autograd.grad(y, new Tensor[] {w, unused}, null, false);
        assertValues(g[0], 1, 2);
        assertValues(g[1], 0);
        assertNull(x.grad());
        assertNull(w.grad());
    }

    @Test
    void gradOfANonLeafInput() {
        Tensor x = leaf(1, 2);
        Tensor h = x.mul(3);
        Tensor y = h.mul(h).sum();
        Tensor[] g = Autograd.grad(y, new Tensor[] {h}, null, false);
        assertValues(g[0], 6, 12);
    }

    @Test
    void gradWithCreateGraphGivesADifferentiableGradient() {
        Tensor x = leaf(2);
        Tensor y = x.mul(x).mul(x);
        Tensor[] g = Autograd.grad(y, new Tensor[] {x}, null, true);
        assertTrue(g[0].requiresGrad());
        assertValues(g[0], 12);
        g[0].backward();
        assertValues(x.grad(), 12);
    }

    @Test
    void gradOfAnInputThatDoesNotRequireGradFails() {
        Tensor x = leaf(1);
        Tensor c = Tensor.ones(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(x.mul(c).sum(), new Tensor[] {c}, null, false));
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void gradWithRetainGraphCanBeCalledTwice() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(x);
        Tensor[] first = Autograd.grad(y, new Tensor[] {x}, Tensor.of(new float[] {1, 0}, 2), true, false);
        Tensor[] second = Autograd.grad(y, new Tensor[] {x}, Tensor.of(new float[] {0, 1}, 2), true, false);
        assertValues(first[0], 2, 0);
        assertValues(second[0], 0, 4);
    }

    // ------------------------------------------------------------ anomaly mode

    @Test
    void anomalyModeNamesTheOpThatProducedNaN() {
        Tensor x = leaf(-1, 2);
        try (AnomalyMode.Scope s = AnomalyMode.enable()) {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> x.log());
            assertTrue(e.getMessage().contains("log"), e.getMessage());
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
        assertFalse(AnomalyMode.isEnabled());
        assertNotNull(x.log(), "without anomaly mode NaN is allowed through");
    }

    @Test
    void anomalyModeNamesTheBackwardThatProducedAnInfiniteGradient() {
        Tensor x = leaf(0, 4);
        try (AnomalyMode.Scope s = AnomalyMode.enable()) {
            Tensor y = x.sqrt().sum();
            ArithmeticException e = assertThrows(ArithmeticException.class, y::backward);
            assertTrue(e.getMessage().contains("sqrt"), e.getMessage());
        }
    }

    @Test
    void opsOnTensorsThatDoNotRequireGradRecordNothing() {
        Tensor y = Ops.matmul(Tensor.ones(2, 3), Tensor.ones(3, 2));
        assertNull(y.gradFn());
        assertFalse(y.requiresGrad());
    }
}
