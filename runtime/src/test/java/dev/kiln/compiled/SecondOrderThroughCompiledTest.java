package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Compiled backwards are first-order: a createGraph backward through one is refused with a message,
 * and the same model run in an eager scope gives the second derivatives of the eager tape.
 */
class SecondOrderThroughCompiledTest {

    private static Sequential model() {
        Generator g = new Generator(41);
        return new Sequential(new Linear(3, 4, true, g, DType.FLOAT64), new Tanh(), new Linear(4, 1, true, g,
                DType.FLOAT64));
    }

    /** d/dw0 of the gradient penalty |dy/dx|^2. */
    private static double[] penaltyGradient(Sequential m, Tensor x) {
        Tensor y = m.apply(x).sum();
        Tensor gx = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
        Tensor penalty = gx.mul(gx).sum();
        return Autograd.grad(penalty, new Tensor[] {m.parameters().get(0)}, null, false, false)[0].toDoubleArray();
    }

    @Test
    void aCreateGraphBackwardThroughACompiledForwardIsRefused() {
        Sequential m = model();
        Tensor x = Tensor.randn(new Generator(42), DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor out = m.apply(x);
        assertEquals("Sequential", out.gradFn().name(), "one compiled node");
        Tensor y = out.sum();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autograd.grad(y, new Tensor[] {x}, null, true, true));
        assertTrue(e.getMessage().startsWith("Sequential: a backward with createGraph (second derivatives, a gradient "
                + "penalty) cannot go through a compiled forward"), e.getMessage());
        assertTrue(e.getMessage().contains("Compiled.eagerScope()"), e.getMessage());
    }

    @Test
    void inAnEagerScopeSecondDerivativesAreTheEagerTapes() {
        Sequential m = model();
        Tensor x = Tensor.randn(new Generator(43), DType.FLOAT64, 2, 3).requiresGrad(true);
        double[] expected;
        Compiled.setEnabled(false);
        try {
            expected = penaltyGradient(m, x);
        } finally {
            Compiled.setEnabled(true);
        }
        try (Compiled.Scope eager = Compiled.eagerScope()) {
            assertArrayEquals(expected, penaltyGradient(m, x), 1e-12);
            GradCheck.checkSecondOrder(in -> m.apply(in[0]), x);
        }
        assertTrue(Compiled.isEnabled(), "closing the scope ends it");
        assertNotEquals(0, expected[0]);
    }

    @Test
    void aCreateGraphGradThatStopsAboveACompiledForwardNeverRunsIt() {
        Generator g = new Generator(44);
        Sequential backbone = new Sequential(new Linear(3, 4, true, g, DType.FLOAT64), new Tanh());
        Tensor h = backbone.apply(Tensor.randn(g, DType.FLOAT64, 2, 3));
        assertEquals("Sequential", h.gradFn().name());
        // d(sum h^2)/dh = 2h: the engine runs only the nodes above the target, as PyTorch does.
        Tensor gh = Autograd.grad(h.mul(h).sum(), new Tensor[] {h}, null, true, true)[0];
        assertArrayEquals(h.mul(2).detach().toDoubleArray(), gh.detach().toDoubleArray(), 1e-12);
    }

    @Test
    void closingAnEagerScopeTwiceClosesItOnce() {
        Compiled.Scope outer = Compiled.eagerScope();
        Compiled.Scope inner = Compiled.eagerScope();
        inner.close();
        inner.close();
        assertTrue(!Compiled.isEnabled(), "the outer scope is still open");
        outer.close();
        assertTrue(Compiled.isEnabled());
    }
}
