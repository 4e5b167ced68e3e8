package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.nn.Module;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a module through its compiled forward and, with compiled forwards switched off, on the eager
 * tape, and asserts the outputs, every parameter gradient and every input gradient equal.
 */
public final class CompiledCheck {
    private CompiledCheck() {}

    /** What one run gave. */
    private record Run(Tensor output, List<float[]> paramGrads, List<float[]> inputGrads) {}

    /**
     * Compares the compiled and eager runs of {@code model} on {@code inputs}; {@code rng}, when not
     * null, is the generator the model draws from (dropout), reset to the same state for both runs.
     */
    public static void assertMatchesEager(Module model, double tol, Generator rng, Tensor... inputs) {
        String name = model.getClass().getSimpleName();
        long[] state = rng == null ? null : rng.state();
        Run eager = run(model, false, inputs);
        if (rng != null) {
            rng.setState(state);
        }
        Run compiled = run(model, true, inputs);
        assertArrayEquals(eager.output().shape(), compiled.output().shape(), name + ": output shape");
        assertArrayEquals(eager.output().toFloatArray(), compiled.output().toFloatArray(), (float) tol,
                name + ": forward");
        Object[] keys = model.namedParameters().keySet().toArray();
        for (int i = 0; i < eager.paramGrads().size(); i++) {
            assertGrad(eager.paramGrads().get(i), compiled.paramGrads().get(i), tol,
                    name + ": gradient of parameter " + keys[i]);
        }
        for (int i = 0; i < eager.inputGrads().size(); i++) {
            assertGrad(eager.inputGrads().get(i), compiled.inputGrads().get(i), tol, name + ": gradient of input " + i);
        }
    }

    private static void assertGrad(float[] expected, float[] actual, double tol, String what) {
        if (expected == null) {
            assertNull(actual, what + " (eager has none)");
        } else {
            assertNotNull(actual, what + " (compiled has none)");
            assertArrayEquals(expected, actual, (float) tol, what);
        }
    }

    private static Run run(Module model, boolean compiled, Tensor[] inputs) {
        Compiled.setEnabled(compiled);
        try {
            model.zeroGrad();
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = inputs[i].detach().requiresGrad(inputs[i].dtype().isFloating());
            }
            Tensor out = model.apply(xs);
            if (compiled && model.compiledForward() != null) {
                assertEquals(model.getClass().getSimpleName(), out.gradFn().name(), "one node for the compiled call");
            }
            // A fixed random weighting, so that every output element has its own gradient.
            Tensor weights = Tensor.randn(new Generator(99), out.dtype(), out.shape());
            out.mul(weights).sum().backward();
            List<float[]> params = new ArrayList<>();
            for (Tensor p : model.parameters()) {
                params.add(p.grad() == null ? null : p.grad().toFloatArray());
            }
            List<float[]> grads = new ArrayList<>();
            for (Tensor x : xs) {
                grads.add(x.grad() == null ? null : x.grad().toFloatArray());
            }
            return new Run(out.detach(), params, grads);
        } finally {
            Compiled.setEnabled(true);
        }
    }
}
