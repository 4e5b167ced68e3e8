package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code linearRelu} and {@code conv2dRelu}, the fused forms compiled forwards run for {@code relu(fc(x))},
 * and {@code conv2dReluMaxPool2d}, for {@code pool(relu(conv(x)))}: the same values as the ops in sequence,
 * bit for bit, and the same derivatives.
 */
class FusedReluOpTest {
    private static final int[] ONE = {1, 1};

    private static Tensor leaf(long seed, DType dtype, int... shape) {
        return Tensor.randn(new Generator(seed), dtype, shape).requiresGrad(true);
    }

    private static Tensor conv(Tensor x, Tensor w, Tensor b, int[] stride, int groups) {
        return Ops.conv2d(x, w, b, stride, ONE, ONE, groups);
    }

    private static Tensor convRelu(Tensor x, Tensor w, Tensor b, int[] stride, int groups) {
        return Ops.conv2dRelu(x, w, b, stride, ONE, ONE, groups);
    }

    /** Values and the gradients of every input, fused against relu of the unfused op. */
    private static void assertSameAsSequence(Function<Tensor[], Tensor> fused, Function<Tensor[], Tensor> sequence,
            Tensor... inputs) {
        Tensor expected = sequence.apply(inputs);
        Tensor actual = fused.apply(inputs);
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0, "values, bit for bit");
        Tensor g = Tensor.randn(new Generator(99), expected.dtype(), expected.shape());
        Tensor[] targets = java.util.Arrays.stream(inputs).filter(t -> t != null).toArray(Tensor[]::new);
        Tensor[] expectedGrads = Autograd.grad(expected, targets, g, false);
        Tensor[] actualGrads = Autograd.grad(actual, targets, g, false);
        for (int i = 0; i < targets.length; i++) {
            assertArrayEquals(expectedGrads[i].toDoubleArray(), actualGrads[i].toDoubleArray(), 0.0,
                    "gradient of input " + i);
        }
    }

    @Test
    void linearReluIsReluOfLinearInBothDtypesWithAndWithoutBias() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{7}, {9, 7}, {2, 3, 7}}) {
                Tensor x = leaf(1, dtype, shape);
                Tensor w = leaf(2, dtype, 5, 7);
                Tensor b = leaf(3, dtype, 5);
                assertSameAsSequence(in -> Ops.linearRelu(in[0], in[1], in[2]),
                        in -> Ops.relu(Ops.linear(in[0], in[1], in[2])), x, w, b);
                assertSameAsSequence(in -> Ops.linearRelu(in[0], in[1], null),
                        in -> Ops.relu(Ops.linear(in[0], in[1], null)), x, w);
            }
        }
    }

    @Test
    void conv2dReluIsReluOfConv2dForStridesGroupsAndUnbatchedInputs() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = leaf(4, dtype, 3, 4, 6, 5);
            Tensor w = leaf(5, dtype, 6, 4, 3, 3);
            Tensor b = leaf(6, dtype, 6);
            assertSameAsSequence(in -> convRelu(in[0], in[1], in[2], ONE, 1),
                    in -> Ops.relu(conv(in[0], in[1], in[2], ONE, 1)), x, w, b);
            int[] two = {2, 2};
            assertSameAsSequence(in -> convRelu(in[0], in[1], null, two, 1),
                    in -> Ops.relu(conv(in[0], in[1], null, two, 1)), x, w);
            Tensor wg = leaf(7, dtype, 6, 2, 3, 3);
            assertSameAsSequence(in -> convRelu(in[0], in[1], in[2], ONE, 2),
                    in -> Ops.relu(conv(in[0], in[1], in[2], ONE, 2)), x, wg, b);
            Tensor unbatched = leaf(8, dtype, 4, 6, 5);
            assertSameAsSequence(in -> convRelu(in[0], in[1], in[2], ONE, 1),
                    in -> Ops.relu(conv(in[0], in[1], in[2], ONE, 1)), unbatched, w, b);
        }
    }

    @Test
    void negativeZeroAndNaNComeOutAsReluMakesThem() {
        // -0 becomes +0 and NaN stays NaN, exactly as relu on its own: the fused ops share its semantics.
        Tensor w = Tensor.of(new float[] {1f}, 1, 1);
        Tensor x = Tensor.of(new float[] {-0f, Float.NaN, -2f, 3f}, 4, 1);
        assertArrayEquals(Ops.relu(Ops.linear(x, w, null)).toFloatArray(), Ops.linearRelu(x, w, null).toFloatArray());
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Ops.linearRelu(x, w, null).toFloatArray()[0]));
        assertTrue(Float.isNaN(Ops.linearRelu(x, w, null).toFloatArray()[1]));
        Tensor x4 = x.reshape(1, 1, 2, 2);
        Tensor w4 = Tensor.of(new float[] {1f}, 1, 1, 1, 1);
        int[] zero = {0, 0};
        float[] fused = Ops.conv2dRelu(x4, w4, null, ONE, zero, ONE, 1).toFloatArray();
        assertArrayEquals(Ops.relu(Ops.conv2d(x4, w4, null, ONE, zero, ONE, 1)).toFloatArray(), fused);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(fused[0]));
    }

    @Test
    void gradientsOfFirstAndSecondOrderInFloat64() {
        DType d = DType.FLOAT64;
        // Inputs away from the kink at 0, where a central difference would straddle it.
        GradCheck.check(in -> Ops.linearRelu(in[0], in[1], in[2]), leaf(10, d, 4, 5), leaf(11, d, 3, 5),
                leaf(12, d, 3));
        GradCheck.check(in -> convRelu(in[0], in[1], in[2], ONE, 1), leaf(13, d, 2, 2, 5, 4), leaf(14, d, 3, 2, 3, 3),
                leaf(15, d, 3));
        GradCheck.checkSecondOrder(in -> Ops.linearRelu(in[0], in[1], in[2]).tanh(), leaf(16, d, 3, 5),
                leaf(17, d, 4, 5), leaf(18, d, 4));
        GradCheck.checkSecondOrder(in -> convRelu(in[0], in[1], in[2], ONE, 1).tanh(), leaf(19, d, 1, 2, 4, 4),
                leaf(20, d, 2, 2, 3, 3), leaf(21, d, 2));
    }

    private static Tensor convReluPool(Tensor x, Tensor w, Tensor b, int[] stride, int k, int poolStride,
            int poolPadding, boolean ceil) {
        return Ops.conv2dReluMaxPool2d(x, w, b, stride, ONE, ONE, 1, new int[] {k, k}, new int[] {poolStride, poolStride},
                new int[] {poolPadding, poolPadding}, ONE, ceil);
    }

    private static Tensor poolOfReluOfConv(Tensor x, Tensor w, Tensor b, int[] stride, int k, int poolStride,
            int poolPadding, boolean ceil) {
        return Ops.maxPool2d(Ops.relu(conv(x, w, b, stride, 1)), new int[] {k, k}, new int[] {poolStride, poolStride},
                new int[] {poolPadding, poolPadding}, ONE, ceil);
    }

    /** Small integers, so that windows tie and ReLU zeroes whole windows, whose gradients must then vanish. */
    private static Tensor ties(long seed, DType dtype, int... shape) {
        Generator g = new Generator(seed);
        double[] values = new double[java.util.Arrays.stream(shape).reduce(1, (a, c) -> a * c)];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.floor(g.nextDouble() * 5) - 2;
        }
        return Tensor.of(values, shape).to(dtype).requiresGrad(true);
    }

    @Test
    void conv2dReluMaxPool2dIsThePoolOfReluOfTheConvolutionBitForBit() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // 3x3 stride 2 pad 1 over 16x16 and 28x28 planes takes the pool's vectorised path, 2x2 stride 2 and
            // ceil mode the general one; ties and all-zero windows come from integer inputs and weights.
            for (int[] hw : new int[][] {{16, 16}, {28, 28}, {7, 9}}) {
                Tensor x = ties(30, dtype, 3, 2, hw[0], hw[1]);
                Tensor w = ties(31, dtype, 4, 2, 3, 3);
                Tensor b = ties(32, dtype, 4);
                assertSameAsSequence(in -> convReluPool(in[0], in[1], in[2], ONE, 3, 2, 1, false),
                        in -> poolOfReluOfConv(in[0], in[1], in[2], ONE, 3, 2, 1, false), x, w, b);
                assertSameAsSequence(in -> convReluPool(in[0], in[1], null, ONE, 2, 2, 0, true),
                        in -> poolOfReluOfConv(in[0], in[1], null, ONE, 2, 2, 0, true), x, w);
                assertSameAsSequence(in -> convReluPool(in[0], in[1], in[2], new int[] {2, 2}, 3, 1, 1, false),
                        in -> poolOfReluOfConv(in[0], in[1], in[2], new int[] {2, 2}, 3, 1, 1, false), x, w, b);
            }
            Tensor unbatched = ties(33, dtype, 2, 8, 8);
            assertSameAsSequence(in -> convReluPool(in[0], in[1], in[2], ONE, 3, 2, 1, false),
                    in -> poolOfReluOfConv(in[0], in[1], in[2], ONE, 3, 2, 1, false), unbatched,
                    ties(34, dtype, 4, 2, 3, 3), ties(35, dtype, 4));
        }
    }

    @Test
    void oneInputChannelPooledChannelsLastIsThePoolOfReluOfTheConvolutionBitForBit() {
        // One input channel into 16 or 32: ChannelsLastConvPool's forward, whose products must be added and whose
        // windows compared exactly as the general path does. Gaussian values catch a change in the order of the
        // sums; small integers make ties and all-zero windows.
        int[][] planes = {{28, 28}, {7, 9}, {6, 5}};
        int[][] convs = {{3, 3, 1, 1}, {3, 3, 0, 0}, {5, 5, 2, 2}, {3, 5, 0, 2}}; // kernel h, w, padding h, w
        int[][] pools = {{3, 3, 2, 2, 1, 1}, {2, 2, 2, 2, 0, 0}, {3, 3, 1, 1, 1, 1}, {2, 3, 1, 3, 0, 1},
                {1, 1, 2, 3, 0, 0}}; // kernel h, w, stride h, w, padding h, w
        int checked = 0;
        for (int cOut : new int[] {16, 32}) {
            for (int[] hw : planes) {
                for (int[] conv : convs) {
                    for (int[] pool : pools) {
                        int convH = hw[0] + 2 * conv[2] - conv[0] + 1;
                        int convW = hw[1] + 2 * conv[3] - conv[1] + 1;
                        if (convH + 2 * pool[4] < pool[0] || convW + 2 * pool[5] < pool[1]) {
                            continue; // no window fits
                        }
                        for (boolean gaussian : new boolean[] {true, false}) {
                            assertPooledChannelsLastAsInSequence(60 + checked, gaussian, cOut, hw, conv, pool, true);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 100, "geometries checked: " + checked);
    }

    @Test
    void aKernelDeeperThanOneBlockOfTheProductTakesTheGeneralPath() {
        // Past 512 taps the matrix product adds its depth blocks' sums, which one chain would round differently.
        int[] pool = {2, 2, 2, 2, 0, 0};
        assertPooledChannelsLastAsInSequence(80, true, 16, new int[] {26, 26}, new int[] {23, 23, 0, 0}, pool, false);
        assertPooledChannelsLastAsInSequence(81, true, 16, new int[] {26, 26}, new int[] {22, 22, 0, 0}, pool, true);
    }

    /** One geometry, with and without bias; {@code channelsLast} is whether ChannelsLastConvPool takes it. */
    private static void assertPooledChannelsLastAsInSequence(long seed, boolean gaussian, int cOut, int[] hw,
            int[] conv, int[] pool, boolean channelsLast) {
        DType f = DType.FLOAT32;
        Tensor x = gaussian ? leaf(seed, f, 2, 1, hw[0], hw[1]) : ties(seed, f, 2, 1, hw[0], hw[1]);
        int[] wShape = {cOut, 1, conv[0], conv[1]};
        Tensor w = gaussian ? leaf(seed + 1, f, wShape) : ties(seed + 1, f, wShape);
        Tensor b = gaussian ? leaf(seed + 2, f, cOut) : ties(seed + 2, f, cOut);
        int[] convPad = {conv[2], conv[3]};
        int[] kernel = {pool[0], pool[1]};
        int[] stride = {pool[2], pool[3]};
        int[] padding = {pool[4], pool[5]};
        ConvGeometry g = ConvGeometry.of("conv2d", x, w, b, ONE, convPad, ONE, 1);
        assertEquals(channelsLast, ChannelsLastConvPool.suits(g, x, ONE, false),
                "whether the channels-last forward takes " + g);
        Function<Tensor[], Tensor> fused = in -> Ops.conv2dReluMaxPool2d(in[0], in[1], in[2], ONE, convPad, ONE, 1,
                kernel, stride, padding, ONE, false);
        Function<Tensor[], Tensor> sequence = in -> Ops.maxPool2d(
                Ops.relu(Ops.conv2d(in[0], in[1], in[2], ONE, convPad, ONE, 1)), kernel, stride, padding, ONE, false);
        assertSameAsSequence(fused, sequence, x, w, b);
        assertSameAsSequence(fused, sequence, x, w, null);
    }

    @Test
    void oneInputChannelWithNaNOrInfinityIsThePoolOfReluOfTheConvolution() {
        // A NaN activation sends the whole op to the general path, which ranks NaN above everything as the pool
        // does; infinities stay on the channels-last path (ReLU's outputs are never -inf).
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] values = Tensor.randn(new Generator(70), 2, 1, 12, 12).toFloatArray();
            values[37] = bad;
            values[144 + 100] = bad;
            Tensor x = Tensor.of(values, 2, 1, 12, 12).requiresGrad(true);
            Tensor w = leaf(71, DType.FLOAT32, 16, 1, 3, 3);
            Tensor b = leaf(72, DType.FLOAT32, 16);
            assertTrue(ChannelsLastConvPool.suits(ConvGeometry.of("conv2d", x, w, b, ONE, ONE, ONE, 1), x, ONE,
                    false));
            Tensor fused = convReluPool(x, w, b, ONE, 3, 2, 1, false);
            Tensor sequence = poolOfReluOfConv(x, w, b, ONE, 3, 2, 1, false);
            assertArrayEquals(sequence.toDoubleArray(), fused.toDoubleArray(), 0.0, "values with " + bad);
            Tensor g = Tensor.randn(new Generator(73), fused.shape());
            Tensor[] expected = Autograd.grad(sequence, new Tensor[] {w, b}, g, false);
            Tensor[] actual = Autograd.grad(fused, new Tensor[] {w, b}, g, false);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(expected[i].toDoubleArray(), actual[i].toDoubleArray(), 0.0,
                        "gradient " + i + " with " + bad);
            }
        }
    }

    @Test
    void aNaNWinsItsWindowAndPassesNoGradientAsReluAndThePoolInSequence() {
        float[] values = new float[16];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 - 1;
        }
        values[5] = Float.NaN;
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = Tensor.of(values, 1, 1, 4, 4).to(dtype).requiresGrad(true);
            Tensor w = Tensor.of(new float[] {1f}, 1, 1, 1, 1).to(dtype).requiresGrad(true);
            assertNaNPoolOfReluOfConv(x, w);
        }
    }

    private static void assertNaNPoolOfReluOfConv(Tensor x, Tensor w) {
        int[] zero = {0, 0};
        assertSameAsSequence(in -> Ops.conv2dReluMaxPool2d(in[0], in[1], null, ONE, zero, ONE, 1, new int[] {2, 2},
                        new int[] {2, 2}, zero, ONE, false),
                in -> Ops.maxPool2d(Ops.relu(Ops.conv2d(in[0], in[1], null, ONE, zero, ONE, 1)), new int[] {2, 2},
                        new int[] {2, 2}, zero, ONE, false), x, w);
    }

    @Test
    void conv2dReluMaxPool2dHasTheGradientsOfFiniteDifferencesAndRefusesASecondOrder() {
        DType d = DType.FLOAT64;
        GradCheck.check(in -> convReluPool(in[0], in[1], in[2], ONE, 3, 2, 1, false), leaf(36, d, 2, 2, 6, 6),
                leaf(37, d, 3, 2, 3, 3), leaf(38, d, 3));
        Tensor x = leaf(39, d, 1, 2, 6, 6);
        Tensor y = convReluPool(x, leaf(40, d, 2, 2, 3, 3), leaf(41, d, 2), ONE, 3, 2, 1, false);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Autograd.grad(y.tanh().sum(), new Tensor[] {x}, null, true));
        assertTrue(e.getMessage().contains("conv2dReluMaxPool2d is differentiated once only"), e.getMessage());
    }

    @Test
    void shapeErrorsNameTheOpTheUserCalled() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3);
        ShapeException linear = assertThrows(ShapeException.class,
                () -> Ops.linearRelu(x, Tensor.zeros(DType.FLOAT32, 4, 5), null));
        assertTrue(linear.getMessage().startsWith("linear: input of shape [2, 3]"), linear.getMessage());
        ShapeException conv = assertThrows(ShapeException.class, () -> convRelu(Tensor.zeros(DType.FLOAT32, 1, 2, 5, 5),
                Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), null, ONE, 1));
        assertTrue(conv.getMessage().startsWith("conv2d:"), conv.getMessage());
    }
}
