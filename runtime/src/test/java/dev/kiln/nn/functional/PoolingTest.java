package dev.kiln.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PoolingTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    /** 0, 1, ..., n-1 in the given shape. */
    private static Tensor range(DType dtype, int... shape) {
        return Tensor.arange(dtype, 0, dev.kiln.tensor.Shapes.numel(shape), 1).reshape(shape);
    }

    @Test
    void maxPoolPicksTheLargestOfEachWindow() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor y = F.maxPool2d(range(dtype, 1, 1, 4, 4), 2);
            assertArrayEquals(new double[] {5, 7, 13, 15}, y.toDoubleArray(), dtype.toString());
        }
    }

    @Test
    void maxPoolWithPaddingAndStrideAsInTheSeedCnn() {
        // kernel 3, stride 2, padding 1 on 5x5: (5 + 2 - 3) / 2 + 1 = 3 per side; padding never wins.
        Tensor x = range(DType.FLOAT32, 1, 1, 5, 5).neg();
        Tensor y = F.maxPool2d(x, 3, 2, 1);
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        // The first window's maximum is x's -0, returned as it is (as PyTorch does).
        assertArrayEquals(new float[] {-0f, -1, -3, -5, -6, -8, -15, -16, -18}, y.toFloatArray());
    }

    @Test
    void ceilModeAddsAWindowThatStartsInsideTheInput() {
        Tensor x = range(DType.FLOAT32, 1, 1, 5, 5);
        Tensor floor = F.maxPool2d(x, 2);
        Tensor ceil = F.maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, true);
        assertArrayEquals(new int[] {1, 1, 2, 2}, floor.shape());
        assertArrayEquals(new float[] {6, 8, 9, 16, 18, 19, 21, 23, 24}, ceil.toFloatArray());
    }

    @Test
    void dilatedMaxPoolSkipsInputs() {
        // kernel 2 with dilation 2 reads x[i][j], x[i][j+2], x[i+2][j], x[i+2][j+2].
        Tensor x = Tensor.of(new float[] {9, 0, 1, 0, 0, 0, 2, 0, 3}, 1, 1, 3, 3);
        Tensor y = F.maxPool2d(x, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {2, 2}, false);
        assertArrayEquals(new float[] {9}, y.toFloatArray());
    }

    @Test
    void maxPoolGradientGoesToTheFirstWinnerAndAccumulatesAcrossOverlappingWindows() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // A single peak in the middle wins all four overlapping 2x2 windows (stride 1).
            Tensor x = Tensor.zeros(dtype, 1, 1, 3, 3);
            x.storage().setDouble(4, 1);
            x.requiresGrad(true);
            F.maxPool2d(x, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, false).sum()
                    .backward();
            assertArrayEquals(new double[] {0, 0, 0, 0, 4, 0, 0, 0, 0}, x.grad().toDoubleArray());
            // All-equal windows: each gradient goes to the window's first element, as in PyTorch.
            Tensor flat = Tensor.zeros(dtype, 1, 1, 2, 4).requiresGrad(true);
            F.maxPool2d(flat, 2).sum().backward();
            assertArrayEquals(new double[] {1, 0, 1, 0, 0, 0, 0, 0}, flat.grad().toDoubleArray());
        }
    }

    @Test
    void maxPoolPropagatesNaN() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3, 4}, 1, 1, 2, 2);
        assertTrue(Double.isNaN(F.maxPool2d(x, 2).item()));
    }

    @Test
    void maxPoolFloat32AgreesWithFloat64OnRandomInputs() {
        Generator gen = new Generator(8);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 3, 11, 9);
        int[][] configs = {{3, 3, 2, 2, 1, 1, 1, 1}, {2, 3, 1, 2, 0, 1, 2, 1}, {3, 2, 3, 1, 1, 0, 1, 2}};
        for (int[] c : configs) {
            int[] k = {c[0], c[1]};
            int[] s = {c[2], c[3]};
            int[] p = {c[4], c[5]};
            int[] d = {c[6], c[7]};
            for (boolean ceil : new boolean[] {false, true}) {
                Tensor x32 = x.to(DType.FLOAT32).requiresGrad(true);
                Tensor x64 = x.detach().requiresGrad(true);
                Tensor y32 = F.maxPool2d(x32, k, s, p, d, ceil);
                Tensor y64 = F.maxPool2d(x64, k, s, p, d, ceil);
                assertArrayEquals(y64.toFloatArray(), y32.toFloatArray(), java.util.Arrays.toString(c));
                y32.sum().backward();
                y64.sum().backward();
                assertArrayEquals(x64.grad().toFloatArray(), x32.grad().toFloatArray());
            }
        }
    }

    @Test
    void avgPoolCountsPaddingByDefaultAndNotOnRequest() {
        Tensor x = Tensor.ones(1, 1, 3, 3);
        int[] three = {3, 3};
        int[] one = {1, 1};
        Tensor counted = F.avgPool2d(x, 3, 1, 1);
        assertArrayEquals(new float[] {4 / 9f, 6 / 9f, 4 / 9f, 6 / 9f, 1, 6 / 9f, 4 / 9f, 6 / 9f, 4 / 9f},
                counted.toFloatArray(), 1e-6f);
        Tensor excluded = F.avgPool2d(x, three, one, one, false, false, 0);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, excluded.toFloatArray(), 1e-6f);
        Tensor overridden = F.avgPool2d(x, three, one, one, false, true, 2);
        assertEquals(4.5f, overridden.toFloatArray()[4], 1e-6f);
    }

    @Test
    void avgPoolAveragesWindowsAndCeilModeClipsTheLastOne() {
        Tensor x = range(DType.FLOAT64, 1, 1, 4, 4);
        assertArrayEquals(new double[] {2.5, 4.5, 10.5, 12.5}, F.avgPool2d(x, 2).toDoubleArray(), 1e-12);
        // 3x3 input, kernel 2, stride 2, ceil: the last window holds one column (x[0][2], x[1][2]) and its divisor
        // is clipped to the input plus padding (2, here).
        Tensor y = F.avgPool2d(range(DType.FLOAT64, 1, 1, 3, 3), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                true, true, 0);
        assertArrayEquals(new double[] {2, 3.5, 6.5, 8}, y.toDoubleArray(), 1e-12);
    }

    @Test
    void adaptiveAvgPoolUsesOverlappingFloorCeilWindows() {
        // 5 inputs to 3 outputs: windows [0, 2), [1, 4), [3, 5).
        Tensor x = Tensor.of(new double[] {0, 1, 2, 3, 4}, 1, 1, 1, 5);
        Tensor y = F.adaptiveAvgPool2d(x, 1, 3);
        assertArrayEquals(new double[] {0.5, 2, 3.5}, y.toDoubleArray(), 1e-12);
        Tensor global = F.adaptiveAvgPool2d(range(DType.FLOAT32, 2, 3, 4, 4), 1);
        assertArrayEquals(new int[] {2, 3, 1, 1}, global.shape());
        assertEquals(7.5f, global.toFloatArray()[0], 1e-6f);
        assertEquals(87.5f, global.toFloatArray()[5], 1e-5f);
    }

    @Test
    void unbatchedInputsKeepTheirRank() {
        Tensor x = range(DType.FLOAT32, 2, 4, 4);
        assertArrayEquals(new int[] {2, 2, 2}, F.maxPool2d(x, 2).shape());
        assertArrayEquals(new int[] {2, 2, 2}, F.avgPool2d(x, 2).shape());
        assertArrayEquals(new int[] {2, 3, 3}, F.adaptiveAvgPool2d(x, 3).shape());
    }

    @Test
    void gradientsMatchCentralDifferences() {
        Tensor x = leaf(1, 2, 2, 5, 6);
        GradCheck.check(in -> F.maxPool2d(in[0], 3, 2, 1), x);
        GradCheck.check(in -> F.maxPool2d(in[0], new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1},
                new int[] {2, 1}, true), x);
        GradCheck.check(in -> F.avgPool2d(in[0], 3, 2, 1), x);
        GradCheck.check(in -> F.avgPool2d(in[0], new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, true, false, 0),
                x);
        GradCheck.check(in -> F.adaptiveAvgPool2d(in[0], 3, 4), x);
    }

    @Test
    void secondDerivativesMatchCentralDifferences() {
        Tensor x = leaf(2, 1, 2, 4, 4);
        GradCheck.checkSecondOrder(in -> F.maxPool2d(in[0], 2, 1, 0).mul(in[0].slice(2, 0, 3).slice(3, 0, 3)), x);
        GradCheck.checkSecondOrder(in -> F.avgPool2d(in[0], 2, 1, 0).square(), x);
        GradCheck.checkSecondOrder(in -> F.adaptiveAvgPool2d(in[0], 3).square(), x);
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        ShapeException rank = assertThrows(ShapeException.class, () -> F.maxPool2d(Tensor.zeros(4, 4), 2));
        assertEquals("maxPool2d: input of shape [4, 4] must be 4-d [N, C, H, W] or 3-d [C, H, W]", rank.getMessage());
        ShapeException pad = assertThrows(ShapeException.class, () -> F.maxPool2d(Tensor.zeros(1, 1, 8, 8), 2, 2, 2));
        assertTrue(pad.getMessage().contains("padding [2, 2] must be at most half of kernel_size [2, 2]"),
                pad.getMessage());
        ShapeException small = assertThrows(ShapeException.class, () -> F.avgPool2d(Tensor.zeros(1, 1, 2, 2), 3));
        assertTrue(small.getMessage().startsWith("avgPool2d: input size 2"), small.getMessage());
        assertThrows(ShapeException.class, () -> F.adaptiveAvgPool2d(Tensor.zeros(1, 1, 4, 4), 0));
        assertThrows(ShapeException.class, () -> F.maxPool2d(Tensor.zeros(DType.INT64, 1, 1, 4, 4), 2));
    }
}
