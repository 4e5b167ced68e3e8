package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.AnomalyMode;
import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.GELU;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Compiled forward and backward against the eager tape: values, parameter and input gradients. */
class CompiledVersusEagerTest {

    /** Runs {@code model} eagerly (its body) and compiled ({@code apply}) on {@code x}; compares everything. */
    static void assertSame(Module model, Tensor x, double tol) {
        assertNotNull(model.compiledForward(), model.getClass().getSimpleName() + " did not compile");
        Tensor xe = x.detach().requiresGrad(true);
        model.zeroGrad();
        Tensor eager = eagerForward(model, xe);
        eager.sum().backward();
        List<Tensor> params = model.parameters();
        float[][] eagerGrads = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            eagerGrads[i] = params.get(i).grad().toFloatArray();
        }
        float[] eagerInputGrad = xe.grad().toFloatArray();

        model.zeroGrad();
        Tensor xc = x.detach().requiresGrad(true);
        Tensor compiled = model.apply(xc);
        assertEquals(model.getClass().getSimpleName(), compiled.gradFn().name(), "one node for the compiled call");
        assertArrayEquals(eager.toFloatArray(), compiled.toFloatArray(), (float) tol, "forward");
        compiled.sum().backward();
        for (int i = 0; i < params.size(); i++) {
            assertArrayEquals(eagerGrads[i], params.get(i).grad().toFloatArray(), (float) tol,
                    "gradient of parameter " + model.namedParameters().keySet().toArray()[i]);
        }
        assertArrayEquals(eagerInputGrad, xc.grad().toFloatArray(), (float) tol, "input gradient");
    }

    /** The user's {@code forward} body, run directly: the eager reference. */
    private static Tensor eagerForward(Module model, Tensor x) {
        return Eager.forward(model, x);
    }

    @Test
    void tinyNetMatchesEager() {
        Generator g = new Generator(7);
        TinyNet net = new TinyNet(g, DType.FLOAT32);
        assertSame(net, Tensor.randn(g, 8, 6), 1e-5);
        assertSame(net, Tensor.randn(g, 3, 2, 3), 1e-5);
    }

    @Test
    void layersMatchEager() {
        Generator g = new Generator(11);
        List<Supplier<Module>> layers = List.of(() -> new Linear(4, 3, true, g, DType.FLOAT32),
                () -> new Linear(4, 2, false, g, DType.FLOAT32), ReLU::new, Sigmoid::new, Tanh::new, GELU::new);
        for (Supplier<Module> layer : layers) {
            assertSame(layer.get(), Tensor.randn(g, 5, 4), 1e-5);
        }
    }

    @Test
    void compiledPathPassesFloat64GradCheck() {
        Generator g = new Generator(3);
        TinyNet net = new TinyNet(g, DType.FLOAT64);
        Tensor x = Tensor.randn(g, DType.FLOAT64, 4, 6).requiresGrad(true);
        GradCheck.check(in -> net.apply(in[0]), x);
        Linear fc = new Linear(6, 3, true, g, DType.FLOAT64);
        GradCheck.check(in -> fc.apply(in[0]), x);
    }

    @Test
    void parameterGradientsAccumulateAcrossCalls() {
        Generator g = new Generator(5);
        Linear fc = new Linear(3, 2, true, g, DType.FLOAT32);
        Tensor x = Tensor.randn(g, 4, 3);
        fc.apply(x).sum().backward();
        float[] once = fc.weight().grad().toFloatArray();
        fc.apply(x).sum().backward();
        float[] twice = fc.weight().grad().toFloatArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5);
        }
    }

    @Test
    void withoutGradientsTheBodyRunsAndNothingIsRecorded() {
        Generator g = new Generator(9);
        Linear fc = new Linear(3, 2, true, g, DType.FLOAT32);
        fc.weight().requiresGrad(false);
        fc.bias().requiresGrad(false);
        Tensor y = fc.apply(Tensor.randn(g, 2, 3));
        assertNull(y.gradFn());
    }

    @Test
    void aBodyThatReadsTensorValuesRunsEagerly() {
        EagerOnly m = new EagerOnly(new Generator(1));
        assertNull(m.compiledForward());
        Tensor y = m.apply(Tensor.randn(new Generator(2), 2, 3).mul(10));
        assertTrue(y.abs().sum().item() <= 1);
    }

    @Test
    void switchedOffTheBodyRunsOnTheEagerTape() {
        Generator g = new Generator(13);
        Linear fc = new Linear(3, 2, true, g, DType.FLOAT32);
        Compiled.setEnabled(false);
        try {
            Tensor y = fc.apply(Tensor.randn(g, 2, 3));
            assertNotEquals("Linear", y.gradFn().name(), "no compiled node while switched off");
        } finally {
            Compiled.setEnabled(true);
        }
        assertEquals("Linear", fc.apply(Tensor.randn(g, 2, 3)).gradFn().name());
    }

    @Test
    void summaryRunsACompiledModelOnceAndLeavesNoGraph() {
        BoundaryModules.CountsCalls counter = new BoundaryModules.CountsCalls();
        Wrap net = new Wrap(counter);
        String summary = net.summary(2, 3);
        assertEquals(1, counter.calls, "the eager child ran once, inside the compiled forward:\n" + summary);
        assertTrue(summary.matches("(?s).*inner \\(CountsCalls\\) +\\[2, 3\\].*"), summary);
        Tensor y = net.apply(Tensor.ones(2, 3).requiresGrad(true));
        assertEquals(2, counter.calls);
        assertEquals("Wrap", y.gradFn().name(), "outside the summary, a call needing gradients is one node again");
    }

    @Test
    void aCompiledScopeRecordsNothingWhereNothingNeedsAGradientEvenWithGradModeOn() {
        TinyNet net = new TinyNet(new Generator(15), DType.FLOAT32);
        for (Tensor p : net.parameters()) {
            p.requiresGrad(false);
        }
        try (Compiled.Scope compiled = Compiled.compiledScope()) {
            Tensor y = net.apply(Tensor.randn(new Generator(16), 3, 6));
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
        }
    }

    @Test
    void summaryUnderAnomalyModeStillShowsTheChildrenACompiledBodyCalls() {
        TinyNet net = new TinyNet(new Generator(17), DType.FLOAT32);
        try (AnomalyMode.Scope anomaly = AnomalyMode.enable()) {
            String summary = net.summary(3, 6);
            assertTrue(summary.matches("(?s).*fc1 \\(Linear\\) +\\[3, 5\\].*"), summary);
        }
    }

    @Test
    void summaryShowsTheChildrenACompiledBodyCallsThroughTheirTypedForward() {
        TinyNet net = new TinyNet(new Generator(14), DType.FLOAT32);
        String summary = net.summary(3, 6);
        assertTrue(summary.matches("(?s).*fc1 \\(Linear\\) +\\[3, 5\\].*"), summary);
        assertTrue(summary.matches("(?s).*fc2 \\(Linear\\) +\\[3, 4\\].*"), summary);
        Compiled.setEnabled(false);
        try {
            String eager = net.summary(3, 6);
            assertTrue(eager.matches("(?s).*fc1 \\(Linear\\) +- .*"), "the eager body's typed calls are unseen:\n" + eager);
        } finally {
            Compiled.setEnabled(true);
        }
    }
}
