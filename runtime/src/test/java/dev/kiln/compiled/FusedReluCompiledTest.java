package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Linear;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code relu(child.forward(x))} in a compiled forward: one call, fused into a Linear or Conv2d child,
 * and the child's frame followed by ReLU for any other; equal to the eager body either way.
 */
class FusedReluCompiledTest {

    @Test
    void everyFormMatchesTheEagerBody() {
        Generator g = new Generator(21);
        ReluChildren net = new ReluChildren(g, DType.FLOAT32);
        CompiledVersusEagerTest.assertSame(net, Tensor.randn(g, 5, 1, 4, 4), 1e-5);
        CompiledVersusEagerTest.assertSame(net, Tensor.randn(g, 1, 1, 4, 4), 1e-5);
    }

    @Test
    void everyFormPassesFloat64GradCheck() {
        Generator g = new Generator(22);
        ReluChildren net = new ReluChildren(g, DType.FLOAT64);
        GradCheck.check(in -> net.apply(in[0]), Tensor.randn(g, DType.FLOAT64, 3, 1, 4, 4).requiresGrad(true));
    }

    @Test
    void childOutputsReadAgainThroughInlinedHelpersAreNotFused() {
        // Fused, both(fc1(x)) would compute relu(fc1(x)) twice instead of relu(fc1(x)) + fc1(x).
        Generator g = new Generator(24);
        ReluThroughHelpers net = new ReluThroughHelpers(g, DType.FLOAT32);
        CompiledVersusEagerTest.assertSame(net, Tensor.randn(g, 6, 4), 1e-5);
        ReluThroughHelpers net64 = new ReluThroughHelpers(g, DType.FLOAT64);
        GradCheck.check(in -> net64.apply(in[0]), Tensor.randn(g, DType.FLOAT64, 3, 4).requiresGrad(true));
    }

    @Test
    void aFusedConvolutionDeliversItsParameterGradientsWhenItsInputNeedsNone() {
        // The weight and bias are leaves of the fused call's private tape, as in Conv2d's own compiled forward.
        Generator g = new Generator(25);
        int[] one = {1, 1};
        Conv2d conv = new Conv2d(1, 2, new int[] {3, 3}, one, one, one, 1, true, g, DType.FLOAT32);
        Frame frame = conv.fusedRelu(new Tensor[] {Tensor.randn(g, 1, 1, 4, 4)}, new boolean[] {false});
        assertNotNull(frame);
        GradSink sink = new GradSink(conv.parameters());
        frame.backward(Tensor.ones(DType.FLOAT32, 1, 2, 4, 4), sink);
        assertNotNull(sink.grads()[0], "weight gradient delivered");
        assertNotNull(sink.grads()[1], "bias gradient delivered");
    }

    @Test
    void onlyTheExactLayerClassesFuse() {
        Generator g = new Generator(23);
        Tensor[] x = {Tensor.randn(g, 2, 8)};
        boolean[] needs = {false};
        assertNotNull(new Linear(8, 8, true, g, DType.FLOAT32).fusedRelu(x, needs));
        assertNull(new ShiftedLinear(8, 8, g, DType.FLOAT32).fusedRelu(x, needs), "a subclass may compute otherwise");
        int[] one = {1, 1};
        Conv2d conv = new Conv2d(1, 2, new int[] {3, 3}, one, one, one, 1, true, g, DType.FLOAT32);
        assertNotNull(conv.fusedRelu(new Tensor[] {Tensor.randn(g, 1, 1, 4, 4)}, needs));
    }
}
