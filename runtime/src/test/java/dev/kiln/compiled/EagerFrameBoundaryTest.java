package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An eager child inside a compiled forward runs on a private tape, differentiated with respect to its
 * inputs and parameters: a tensor with a graph that it reads beyond them is refused, rather than having
 * its gradient lost or its graph freed under the caller's backward.
 */
class EagerFrameBoundaryTest {

    @Test
    void aTensorComputedBeforeTheCallWithAGraphIsAnErrorNotAFreedGraph() {
        Generator g = new Generator(21);
        ContextReader inner = new ContextReader(g);
        inner.context = inner.weight.exp(); // recorded before the call, even if from the child's own parameter
        Tensor x = Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Wrap(inner).apply(x));
        assertTrue(e.getMessage().startsWith("compiled forward: ContextReader reads a tensor computed before the "
                + "call whose graph needs a gradient"), e.getMessage());
        // Eagerly, one tape: context's gradient reaches weight through both uses.
        Compiled.setEnabled(false);
        try {
            new Wrap(inner).apply(x).sum().add(inner.context.sum()).backward();
        } finally {
            Compiled.setEnabled(true);
        }
        double[] w = inner.weight.detach().toDoubleArray();
        double[] xs = x.detach().toDoubleArray();
        double[] grad = inner.weight.grad().toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(3 * xs[i] + 4 * Math.exp(w[i]), grad[i], 1e-12, "weight gradient " + i);
        }
    }

    @Test
    void aForeignTensorThatNeedsAGradientIsAnErrorNotALostGradient() {
        Generator g = new Generator(22);
        ContextReader inner = new ContextReader(g);
        Tensor a = Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true);
        inner.context = a.exp();
        Tensor x = Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Wrap(inner).apply(x));
        assertTrue(e.getMessage().startsWith("compiled forward: ContextReader reads a tensor of shape [2, 3] that "
                + "needs a gradient but is neither an input of the call nor a parameter of the module, and the "
                + "compiled backward could not send its gradient back"), e.getMessage());
        assertTrue(e.getMessage().contains("@Forward(compile = CompileMode.EAGER)"), e.getMessage());
    }

    /** Input and parameter gradients after {@code backwards} backward passes (all but the last retained). */
    private static List<double[]> gradients(Module m, Tensor x, boolean compiled, int backwards) {
        for (Tensor p : m.parameters()) {
            p.setGrad(null);
        }
        Compiled.setEnabled(compiled);
        try {
            Tensor input = x.detach().requiresGrad(true);
            Tensor out = m.apply(input);
            for (int i = 0; i < backwards; i++) {
                out.sum().backward(null, i + 1 < backwards, false);
            }
            List<double[]> grads = new ArrayList<>();
            grads.add(input.grad().toDoubleArray());
            for (Tensor p : m.parameters()) {
                grads.add(p.grad().toDoubleArray());
            }
            return grads;
        } finally {
            Compiled.setEnabled(true);
        }
    }

    private static void assertCompiledMatchesEager(Module m, Tensor x) {
        assertEquals("CallsTwice", m.apply(x.detach().requiresGrad(true)).gradFn().name(), "one compiled node");
        for (int backwards : new int[] {1, 2}) {
            List<double[]> eager = gradients(m, x, false, backwards);
            List<double[]> compiled = gradients(m, x, true, backwards);
            for (int i = 0; i < eager.size(); i++) {
                assertArrayEquals(eager.get(i), compiled.get(i), 1e-9, backwards + " backwards, gradient " + i);
            }
        }
    }

    @Test
    void childrenThatReadOnlyWhatTheirCallOwnsAreAccepted() {
        Generator g = new Generator(23);
        assertCompiledMatchesEager(new BoundaryModules.CallsTwice(new BoundaryModules.PassThrough(),
                new Linear(3, 3, true, g, DType.FLOAT64)), Tensor.randn(g, DType.FLOAT64, 2, 3));
        Linear shared = new Linear(3, 3, true, g, DType.FLOAT64);
        assertCompiledMatchesEager(new BoundaryModules.CallsTwice(new BoundaryModules.ReadsEverything(g, shared),
                shared), Tensor.randn(g, DType.FLOAT64, 2, 3));
    }
}
