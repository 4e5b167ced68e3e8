package dev.kiln.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's folding of a node's backward into the one above it ({@link Node#backwardFolding}): when it
 * happens, that it changes no gradient, and every case in which it must not happen.
 */
class BackwardFoldingTest {

    /** Scales by {@code factor}: the node a {@link Folding} node folds. */
    private static final class Scale extends Node {
        final double factor;
        final SavedTensor input; // read by the fold too, as the pool reads the ReLU's output
        int backwards;

        Scale(Tensor x, double factor) {
            super("scale", x);
            this.factor = factor;
            input = save(x);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            backwards++;
            input.get();
            return new Tensor[] {g.mul(factor)};
        }
    }

    /** Scales by 2 and folds a {@link Scale} below it: its fold gives what the two backwards give. */
    private static final class Folding extends Node {
        int backwards;
        int folds;

        Folding(Tensor h) {
            super("folding", h);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            backwards++;
            return new Tensor[] {g.mul(2)};
        }

        @Override
        protected Tensor[] backwardFolding(Node below, Tensor g) {
            if (!(below instanceof Scale scale)) {
                return null;
            }
            folds++;
            scale.input.get();
            return new Tensor[] {g.mul(2 * scale.factor)};
        }
    }

    /** x -> scale(3) -> h -> folding -> y, the nodes kept for the assertions. */
    private record Chain(Tensor x, Tensor h, Tensor y, Scale scale, Folding folding) {}

    private static Chain chain() {
        Tensor x = Tensor.of(new float[] {1, -2, 4}, 3).requiresGrad(true);
        Scale scale = new Scale(x, 3);
        Tensor h = Autograd.record(Tensor.of(new float[] {3, -6, 12}, 3), scale);
        Folding folding = new Folding(h);
        Tensor y = Autograd.record(Tensor.of(new float[] {6, -12, 24}, 3), folding);
        return new Chain(x, h, y, scale, folding);
    }

    private static void assertValues(Tensor t, double... expected) {
        assertArrayEquals(expected, t.toDoubleArray(), 0, () -> "values of " + t);
    }

    @Test
    void aSoleConsumerFoldsTheNodeBelowIt() {
        Chain c = chain();
        c.y().sum().backward();
        assertValues(c.x().grad(), 6, 6, 6);
        assertEquals(1, c.folding().folds);
        assertEquals(0, c.folding().backwards);
        assertEquals(0, c.scale().backwards, "the folded node's backward does not run");
        Chain again = chain();
        Tensor[] grads = Autograd.grad(again.y().sum(), new Tensor[] {again.x()}, null, false);
        assertValues(grads[0], 6, 6, 6);
        assertEquals(1, again.folding().folds, "grad() folds too when the folded node is no target");
    }

    @Test
    void theFoldedNodeIsStillReleased() {
        Chain c = chain();
        c.y().sum().backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.y().sum().backward());
        assertTrue(e.getMessage().startsWith("scale:") && e.getMessage().contains("freed"), e.getMessage());
    }

    @Test
    void retainGraphFoldsAgainOnTheSecondBackward() {
        Chain c = chain();
        c.y().sum().backward(null, true, false);
        c.y().sum().backward();
        assertValues(c.x().grad(), 12, 12, 12);
        assertEquals(2, c.folding().folds);
        assertEquals(0, c.scale().backwards);
    }

    /** Each way of looking at the gradient between the two nodes, or of sending the lower one another. */
    static Stream<Arguments> noFold() {
        return Stream.of(
                Arguments.of("a retained grad on the folded node's output", (Consumer<Chain>) c -> {
                    c.h().retainGrad();
                    c.y().sum().backward();
                    assertValues(c.h().grad(), 2, 2, 2);
                }),
                Arguments.of("a second consumer of the folded node's output", (Consumer<Chain>) c ->
                        c.y().sum().add(c.h().sum()).backward()),
                Arguments.of("the folded node's output as a target of grad()", (Consumer<Chain>) c -> {
                    Tensor[] g = Autograd.grad(c.y().sum(), new Tensor[] {c.h(), c.x()}, null, false);
                    assertValues(g[0], 2, 2, 2);
                }),
                Arguments.of("createGraph", (Consumer<Chain>) c -> c.y().sum().backward(null, false, true)),
                Arguments.of("anomaly mode", (Consumer<Chain>) c -> {
                    try (AnomalyMode.Scope ignored = AnomalyMode.enable()) {
                        c.y().sum().backward();
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noFold")
    void nothingFoldsWhereTheGradientBetweenIsObservedOrShared(String why, Consumer<Chain> run) {
        Chain c = chain();
        run.accept(c);
        assertEquals(0, c.folding().folds, why);
        assertEquals(1, c.folding().backwards, why);
        assertEquals(1, c.scale().backwards, why);
    }

    @Test
    void aSecondConsumerGivesTheSumOfBothGradients() {
        Chain c = chain();
        c.y().sum().add(c.h().sum()).backward();
        assertValues(c.x().grad(), 9, 9, 9);
    }

    // ------------------------------------------------------------ max pooling folds the ReLU below it

    /** A max pool's arguments: kernel, stride, padding, dilation (square) and ceil mode. */
    private record Pool(int kernel, int stride, int padding, int dilation, boolean ceil) {
        Tensor apply(Tensor x) {
            return F.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                    new int[] {dilation, dilation}, ceil);
        }
    }

    /** The common halving pool, one that overlaps, and ceil mode with dilation, whose last windows hold only padding. */
    private static final List<Pool> POOLS = List.of(new Pool(3, 2, 1, 1, false), new Pool(2, 2, 0, 1, false),
            new Pool(3, 1, 1, 1, false), new Pool(2, 3, 1, 2, true), new Pool(3, 2, 1, 1, true));

    private static final double NEGATIVE_NAN = Double.longBitsToDouble(0xfff8000000000000L);

    /**
     * ReLU inputs of every kind a fold must treat as ReLU's backward does: positives, zeros of both signs
     * (ReLU stops them), ties between windows, and NaN of both signs (the float32 rule passes a NaN whose
     * sign bit is clear and stops one whose sign bit is set).
     */
    private static Tensor preActivations(DType dtype, boolean withNaN, int... shape) {
        Tensor x = Tensor.randn(new Generator(7), shape).to(dtype);
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i += 5) {
            v[i] = Math.rint(v[i]); // many ties, and many exact zeros
        }
        v[9] = -0.0;
        v[17] = 0.0;
        if (withNaN) {
            v[40] = Double.NaN;
            v[100] = NEGATIVE_NAN;
            v[101] = Double.NaN; // a window with NaNs of both signs
        }
        Tensor t = Tensor.of(v, shape).to(dtype);
        if (withNaN) {
            assertTrue(bits(t)[100] < 0, "the negative NaN keeps its sign in " + dtype);
        }
        return t.requiresGrad(true);
    }

    private static Tensor preActivations(DType dtype, boolean withNaN) {
        return preActivations(dtype, withNaN, 2, 3, 8, 8);
    }

    /** The reference: the same backward with the ReLU's output retained, which no node may fold. */
    private static Tensor unfoldedGrad(DType dtype, boolean withNaN, int[] shape, Pool pool, Tensor g) {
        Tensor plain = preActivations(dtype, withNaN, shape);
        pool.apply(F.relu(plain).retainGrad()).backward(g);
        return plain.grad();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void poolFoldingReluGivesTheGradientOfBothBackwardsBitForBit(DType dtype) {
        for (boolean withNaN : new boolean[] {false, true}) {
            for (int[] shape : new int[][] {{2, 3, 8, 8}, {3, 7, 9}}) {
                for (Pool pool : POOLS) {
                    String what = dtype + " " + pool + " over " + Arrays.toString(shape) + (withNaN ? " with NaN" : "");
                    Tensor x = preActivations(dtype, withNaN, shape);
                    Tensor out = pool.apply(F.relu(x));
                    Tensor g = Tensor.randn(new Generator(3), out.shape()).to(dtype);
                    Node poolNode = out.gradFn();
                    Node relu = poolNode.next()[0];
                    Tensor[] folded = poolNode.backwardFolding(relu, g);
                    assertNotNull(folded, what);
                    Tensor twoPasses = relu.backward(poolNode.backward(g)[0])[0];
                    assertArrayEquals(bits(twoPasses), bits(folded[0]), what);

                    out.backward(g); // the engine folds (the stubs above test when)
                    assertArrayEquals(bits(unfoldedGrad(dtype, withNaN, shape, pool, g)), bits(x.grad()), what);
                }
            }
        }
    }

    @Test
    void graphsAroundAFoldGiveTheUnfoldedGradients() {
        Pool pool = POOLS.get(0);
        int[] shape = {2, 3, 8, 8};
        Tensor g = Tensor.randn(new Generator(3), 2, 3, 4, 4);
        Tensor reference = unfoldedGrad(DType.FLOAT32, true, shape, pool, g);

        Tensor root = preActivations(DType.FLOAT32, true, shape); // the pool as the root, backward twice
        Tensor out = pool.apply(F.relu(root));
        out.backward(g, true, false);
        out.backward(g);
        assertArrayEquals(bits(reference.add(reference)), bits(root.grad()));

        Tensor shared = preActivations(DType.FLOAT32, true, shape); // one ReLU output, two pools: no fold
        Tensor r = F.relu(shared);
        Tensor both = pool.apply(r).add(pool.apply(r));
        both.backward(g);
        Tensor twice = preActivations(DType.FLOAT32, true, shape);
        Tensor rr = F.relu(twice).retainGrad();
        pool.apply(rr).add(pool.apply(rr)).backward(g);
        assertArrayEquals(bits(twice.grad()), bits(shared.grad()));

        Tensor viaGrad = preActivations(DType.FLOAT32, true, shape); // grad() through a non-leaf below the ReLU
        Tensor h = viaGrad.mul(1f);
        Tensor[] grads = Autograd.grad(pool.apply(F.relu(h)), new Tensor[] {h}, g, false);
        assertArrayEquals(bits(reference), bits(grads[0]));
    }

    @Test
    void aPoolFoldsOnlyAReluAndOnlyWhileItsMaximaAreUnchanged() {
        Tensor g = Tensor.randn(new Generator(3), 2, 3, 4, 4);
        Tensor overTanh = F.maxPool2d(preActivations(DType.FLOAT32, false).tanh(), 3, 2, 1);
        assertNull(overTanh.gradFn().backwardFolding(overTanh.gradFn().next()[0], g));

        Tensor x = preActivations(DType.FLOAT32, false);
        Tensor out = F.maxPool2d(F.relu(x), 3, 2, 1);
        try (GradMode.Scope s = GradMode.noGrad()) {
            out.detach().fill(-1); // the maxima no longer tell which winners ReLU stops
        }
        assertNull(out.gradFn().backwardFolding(out.gradFn().next()[0], g));
        out.backward(g);
        assertArrayEquals(bits(unfoldedGrad(DType.FLOAT32, false, new int[] {2, 3, 8, 8}, POOLS.get(0), g)),
                bits(x.grad()));
    }

    @Test
    void aFoldReportsAReluOutputModifiedInPlaceAsReluDoes() {
        Tensor r = F.relu(preActivations(DType.FLOAT32, false));
        Tensor out = F.maxPool2d(r, 3, 2, 1);
        try (GradMode.Scope s = GradMode.noGrad()) {
            r.detach().fill(1);
        }
        Node pool = out.gradFn();
        IllegalStateException direct = assertThrows(IllegalStateException.class,
                () -> pool.backwardFolding(pool.next()[0], Tensor.ones(out.shape())));
        IllegalStateException viaEngine = assertThrows(IllegalStateException.class,
                () -> out.backward(Tensor.ones(out.shape())));
        assertTrue(viaEngine.getMessage().startsWith("relu:") && viaEngine.getMessage().contains("modified in place"),
                viaEngine.getMessage());
        assertEquals(viaEngine.getMessage(), direct.getMessage());
    }

    private static long[] bits(Tensor t) {
        double[] v = t.toDoubleArray();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = t.dtype() == DType.FLOAT32 ? Float.floatToRawIntBits((float) v[i]) : Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }
}
