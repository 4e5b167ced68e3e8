package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The float32 3x3 stride-2 padding-1 max pool has its own separable loop; it must pick the same
 * maxima and the same winning positions (the first in row-major order on ties, the first NaN) as the
 * general loop that float64 runs.
 */
class MaxPoolFastPathTest {
    private static final int[] K = {3, 3};
    private static final int[] S = {2, 2};
    private static final int[] P = {1, 1};
    private static final int[] D = {1, 1};

    /** Small non-negative integers, half of them zero after the ReLU: windows with many ties. */
    private static float[] tiedValues(Generator g, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(0, (float) Math.floor(g.nextDouble() * 6) - 3);
        }
        return v;
    }

    private static void assertSameAsGeneralLoop(float[] values, int... shape) {
        Tensor x32 = Tensor.of(values, shape).requiresGrad(true);
        Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
        Tensor y32 = Ops.maxPool2d(x32, K, S, P, D, false);
        Tensor y64 = Ops.maxPool2d(x64, K, S, P, D, false);
        assertArrayEquals(y64.toDoubleArray(), y32.toDoubleArray(), "maxima");
        // Distinct output gradients reveal which input won each window.
        Tensor g = Tensor.arange(DType.FLOAT64, 1, y64.numel() + 1, 1).reshape(y64.shape());
        Tensor gx32 = Autograd.grad(y32, new Tensor[] {x32}, g.to(DType.FLOAT32), false)[0];
        Tensor gx64 = Autograd.grad(y64, new Tensor[] {x64}, g, false)[0];
        assertArrayEquals(gx64.toDoubleArray(), gx32.toDoubleArray(), "winning positions");
    }

    /**
     * Pools the h x w plane at {@code x[in]} on the vector loop, which must take it, and checks every
     * maximum (bit for bit) and position against PyTorch's rule written directly.
     */
    private static void assertVectorLoopPools(float[] x, int in, int h, int w) {
        int outH = h / 2;
        int outW = w / 2;
        float[] out = new float[outH * outW];
        int[] argmax = new int[out.length];
        assertTrue(PoolKernels.poolsOnVectors(x, in, h, w, K, S, P, D, out, argmax), "taken by the vector loop");
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int best = -1;
                for (int iy = Math.max(0, 2 * oy - 1); iy <= 2 * oy + 1; iy++) {
                    for (int ix = Math.max(0, 2 * ox - 1); ix <= 2 * ox + 1; ix++) {
                        float v = x[in + iy * w + ix];
                        if (best < 0 || v > x[in + best] || v != v && x[in + best] == x[in + best]) {
                            best = iy * w + ix;
                        }
                    }
                }
                int o = oy * outW + ox;
                assertEquals(best, argmax[o], "position of output " + o);
                assertEquals(Float.floatToRawIntBits(x[in + best]), Float.floatToRawIntBits(out[o]), "output " + o);
            }
        }
    }

    /** Three copies of a plane: the middle one, with planes on both sides, is one the vector loop takes. */
    private static float[] threeCopies(float[] plane) {
        float[] x = new float[3 * plane.length];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(plane, 0, x, i * plane.length, plane.length);
        }
        return x;
    }

    @Test
    void tiesGoToTheFirstPositionInRowMajorOrder() {
        Generator g = new Generator(7);
        assertSameAsGeneralLoop(tiedValues(g, 2 * 3 * 8 * 6), 2, 3, 8, 6);
        assertSameAsGeneralLoop(tiedValues(g, 4 * 28 * 28), 1, 4, 28, 28);
        assertSameAsGeneralLoop(tiedValues(g, 2 * 2 * 2), 2, 2, 2);
    }

    @Test
    void aSmallPlaneAfterALargeOneReadsNothingTheReusedRowBuffersStillHold() {
        // On this thread's buffers: large values first, then smaller planes that any stale maximum would beat,
        // narrower ones too (they write the odd rows' padding row over).
        float[] large = new float[64 * 64];
        Arrays.fill(large, 1000f);
        assertVectorLoopPools(threeCopies(large), large.length, 64, 64);
        for (int[] hw : new int[][] {{16, 16}, {8, 40}, {14, 14}, {28, 28}}) {
            float[] plane = tiedValues(new Generator(8), hw[0] * hw[1]);
            assertVectorLoopPools(threeCopies(plane), plane.length, hw[0], hw[1]);
        }
    }

    @Test
    void everyVectorWidthAndOverlappingLastVectorAgreeWithTheGeneralLoop() {
        Generator g = new Generator(9);
        // Planes of 16 to 196 outputs: with 4, 8 or 16 lanes, the last vector over a plane's outputs either
        // ends on a whole vector or overlaps the one before.
        for (int[] hw : new int[][] {{8, 8}, {16, 16}, {14, 14}, {10, 20}, {20, 10}, {28, 28}, {6, 28}}) {
            int n = 3 * hw[0] * hw[1];
            assertSameAsGeneralLoop(tiedValues(g, n), 3, hw[0], hw[1]);
        }
    }

    @Test
    void rowsOfSeveralVectorsAgreeWithTheGeneralLoop() {
        Generator g = new Generator(11);
        // 20, 32 and 40 output columns: more than one vector per row with 4, 8 or 16 lanes, the last one
        // ending at the row's end or past it.
        for (int[] hw : new int[][] {{6, 40}, {4, 64}, {8, 80}}) {
            assertSameAsGeneralLoop(tiedValues(g, 3 * hw[0] * hw[1]), 3, hw[0], hw[1]);
        }
    }

    @Test
    void theVectorLoopTakesEveryPlaneButTheFirstAndALastItsRowsOverrun() {
        // So the comparisons above test it: the first plane has nothing before it to read as its first
        // column's left neighbour, and the last row's vectors of a 28-wide plane read past the array.
        for (int[] hw : new int[][] {{28, 28}, {14, 14}, {4, 64}}) {
            int plane = hw[0] * hw[1];
            float[] x = tiedValues(new Generator(12), 3 * plane);
            boolean[] vectorized = new boolean[3];
            for (int pl = 0; pl < 3; pl++) {
                float[] out = new float[plane / 4];
                vectorized[pl] = PoolKernels.poolsOnVectors(x, pl * plane, hw[0], hw[1], K, S, P, D, out,
                        new int[out.length]);
            }
            assertArrayEquals(new boolean[] {false, true, hw[1] % 32 == 0}, vectorized, Arrays.toString(hw));
        }
    }

    @Test
    void signedZerosAreEqualAndTheFirstWins() {
        float[] v = new float[16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 3 == 0 ? -0f : 0f;
        }
        assertSameAsGeneralLoop(threeCopies(v), 3, 16, 16);
        assertVectorLoopPools(threeCopies(v), v.length, 16, 16);
    }

    @Test
    void aPlaneGivesTheSameResultWhateverStorageFollowsIt() {
        // The vectors of a narrow plane's last rows read past it; a NaN there sends the plane to the general
        // float loop, which must return the same values, signed zeros included.
        float[] plane = new float[16 * 4];
        Arrays.fill(plane, -0f);
        float[] storage = new float[4 * plane.length];
        System.arraycopy(plane, 0, storage, plane.length, plane.length);
        assertVectorLoopPools(storage, plane.length, 16, 4);
        Arrays.fill(storage, 2 * plane.length, storage.length, Float.NaN);
        assertFalse(PoolKernels.poolsOnVectors(storage, plane.length, 16, 4, K, S, P, D, new float[16], new int[16]),
                "a NaN past the plane");
        Tensor alone = Tensor.of(plane, 1, 16, 4);
        Tensor beforeNaNs = Tensor.of(storage, 4, 16, 4).slice(0, 1, 2, 1);
        double[] expected = Ops.maxPool2d(alone, K, S, P, D, false).toDoubleArray();
        assertArrayEquals(expected, Ops.maxPool2d(beforeNaNs, K, S, P, D, false).toDoubleArray());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(expected[0]), "the -0 itself");
        assertSameAsGeneralLoop(plane, 1, 16, 4);
    }

    @Test
    void aNaNInAVectorizedPlaneWinsItsWindows() {
        // In the middle plane, which the vector loop would take: it declines, and the general loop ranks the
        // NaN first.
        int plane = 14 * 14;
        float[] v = tiedValues(new Generator(10), 3 * plane);
        assertVectorLoopPools(v, plane, 14, 14);
        v[plane + 33] = Float.NaN;
        assertFalse(PoolKernels.poolsOnVectors(v, plane, 14, 14, K, S, P, D, new float[49], new int[49]));
        assertSameAsGeneralLoop(v, 3, 1, 14, 14);
    }

    @Test
    void aNaNWinsItsWindowsAndTheFirstNaNTakesTheGradient() {
        float[] v = tiedValues(new Generator(8), 2 * 6 * 6);
        v[7] = Float.NaN;
        v[8] = Float.NaN;
        v[50] = Float.intBitsToFloat(0x7fc01234);
        v[40] = Float.NEGATIVE_INFINITY;
        assertSameAsGeneralLoop(v, 2, 1, 6, 6);
    }

    @Test
    void aWindowWhoseColumnsAreAllPaddingIsMinusInfinity() {
        // Dilation 4 with padding 1 on a 3-wide row: the output column's taps at -1 and 3 are both outside.
        Tensor y = Ops.maxPool2d(Tensor.zeros(1, 1, 1, 3), new int[] {1, 2}, new int[] {1, 1}, new int[] {0, 1},
                new int[] {1, 4}, false);
        assertArrayEquals(new int[] {1, 1, 1, 1}, y.shape());
        assertEquals(Float.NEGATIVE_INFINITY, y.toFloatArray()[0]);
    }
}
