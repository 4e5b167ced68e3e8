package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code relu(child.forward(x))} in a compiled forward: one call, fused into a Linear or Conv2d child,
 * and the child's frame followed by ReLU for any other; {@code pool.forward(relu(conv.forward(x)))}: one
 * op for a Conv2d and a MaxPool2d, frames in sequence otherwise. Equal to the eager body either way.
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
    void poolsOfReluOfConvolutionsMatchTheEagerBodyBitForBitAndPassFloat64GradCheck() {
        Generator g = new Generator(26);
        PoolOfReluChildren net = new PoolOfReluChildren(g, DType.FLOAT32);
        CompiledVersusEagerTest.assertSame(net, Tensor.randn(g, 4, 1, 8, 8), 0);
        PoolOfReluChildren net64 = new PoolOfReluChildren(g, DType.FLOAT64);
        GradCheck.check(in -> net64.apply(in[0]), Tensor.randn(g, DType.FLOAT64, 2, 1, 8, 8).requiresGrad(true));
    }

    @Test
    void writingToADetachedCopyOfTheFusedOutputLeavesItsBackwardAlone() {
        // As for the three eager ops, which save nothing the caller can reach: the fused node keeps the
        // positions only, not its own output.
        Generator g = new Generator(29);
        int[] one = {1, 1};
        Conv2d conv = new Conv2d(1, 2, new int[] {3, 3}, one, one, one, 1, true, g, DType.FLOAT32);
        Frame fused = conv.fusedReluThen(new MaxPool2d(3, 2, 1), new Tensor[] {Tensor.randn(g, 2, 1, 6, 6)},
                new boolean[] {true});
        fused.output().detach().fill(1);
        Tensor[] grads = fused.backward(Tensor.ones(DType.FLOAT32, 2, 2, 3, 3), new GradSink(conv.parameters()));
        assertNotNull(grads[0]);
    }

    @Test
    void aConvolutionFusesReluAndPoolingWithAMaxPool2dOnly() {
        Generator g = new Generator(27);
        int[] one = {1, 1};
        Conv2d conv = new Conv2d(1, 2, new int[] {3, 3}, one, one, one, 1, true, g, DType.FLOAT32);
        Tensor[] x = {Tensor.randn(g, 2, 1, 6, 6)};
        boolean[] needs = {false};
        Frame fused = conv.fusedReluThen(new MaxPool2d(3, 2, 1), x, needs);
        assertNotNull(fused);
        assertArrayEquals(new int[] {2, 2, 3, 3}, fused.output().shape());
        GradSink sink = new GradSink(conv.parameters());
        fused.backward(Tensor.ones(DType.FLOAT32, 2, 2, 3, 3), sink);
        assertNotNull(sink.grads()[0], "weight gradient delivered");
        assertNotNull(sink.grads()[1], "bias gradient delivered");
        assertNull(conv.fusedReluThen(new AvgPool2d(2), x, needs));
        assertNull(conv.fusedReluThen(new MaxPool2d(2) {}, x, needs), "a subclass may compute otherwise");
        assertNull(new Linear(8, 8, true, g, DType.FLOAT32).fusedReluThen(new MaxPool2d(2), x, needs));
    }

    @Test
    void aSummaryOfACompiledModelSeesTheConvolutionAndThePoolItWouldFuse() {
        PoolOfReluChildren net = new PoolOfReluChildren(new Generator(28), DType.FLOAT32);
        String summary = net.summary(2, 1, 8, 8);
        assertTrue(summary.matches("(?s).*conv1 \\(Conv2d\\) +\\[2, 16, 8, 8\\].*"), summary);
        assertTrue(summary.matches("(?s).*maxPool \\(MaxPool2d\\) +\\[2, 16, 4, 4\\].*"), summary);
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
