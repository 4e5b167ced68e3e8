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

class ConvolutionTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor range(int... shape) {
        return Tensor.arange(DType.FLOAT32, 1, 1 + dev.kiln.tensor.Shapes.numel(shape), 1).reshape(shape);
    }

    @Test
    void sumsEachWindowOfAOnesKernelPlusBias() {
        Tensor x = range(1, 1, 3, 3); // 1..9
        Tensor y = F.conv2d(x, Tensor.ones(1, 1, 2, 2), Tensor.vector(0.5f));
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y.toFloatArray());
    }

    @Test
    void paddingAndStrideFollowPyTorchsOutputSize() {
        // 3x3 kernel, padding 1, stride 2 on 3x3: (3 + 2 - 3) / 2 + 1 = 2 outputs per side, windows clipped by zeros.
        Tensor y = F.conv2d(range(1, 1, 3, 3), Tensor.ones(1, 1, 3, 3), null, 2, 1);
        assertArrayEquals(new float[] {12, 16, 24, 28}, y.toFloatArray());
    }

    @Test
    void crossCorrelatesLikePyTorchRatherThanFlippingTheKernel() {
        Tensor w = Tensor.of(new float[] {1, 0, 0, -1}, 1, 1, 2, 2); // x[i][j] - x[i+1][j+1]
        Tensor y = F.conv2d(range(1, 1, 3, 3), w, null);
        assertArrayEquals(new float[] {-4, -4, -4, -4}, y.toFloatArray());
    }

    @Test
    void matchesTheDefinitionForStridePaddingDilationAndGroups() {
        int[][] configs = {
            // n, cIn, h, w, cOut, kh, kw, sh, sw, ph, pw, dh, dw, groups
            {2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1},
            {2, 4, 9, 8, 6, 3, 2, 2, 1, 1, 0, 2, 1, 2},
            {1, 6, 5, 5, 6, 3, 3, 1, 2, 2, 1, 1, 2, 3},
            {3, 2, 4, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1},
            {2, 4, 6, 6, 4, 1, 1, 2, 2, 1, 1, 1, 1, 4},
            // "same" size at stride 1 (the shifted-plane fast path): dilated, and a 3x1 kernel
            {2, 2, 6, 5, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1},
            {1, 3, 4, 7, 2, 3, 1, 1, 1, 1, 0, 1, 1, 1},
        };
        Generator gen = new Generator(3);
        for (int[] c : configs) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Tensor x = Tensor.randn(gen, dtype, c[0], c[1], c[2], c[3]);
                Tensor w = Tensor.randn(gen, dtype, c[4], c[1] / c[13], c[5], c[6]);
                Tensor b = Tensor.randn(gen, dtype, c[4]);
                int[] stride = {c[7], c[8]};
                int[] pad = {c[9], c[10]};
                int[] dil = {c[11], c[12]};
                Tensor y = F.conv2d(x, w, b, stride, pad, dil, c[13]);
                Tensor expected = reference(x, w, b, stride, pad, dil, c[13]);
                assertArrayEquals(expected.shape(), y.shape(), java.util.Arrays.toString(c));
                assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), dtype == DType.FLOAT32 ? 1e-4 : 1e-12,
                        java.util.Arrays.toString(c) + " " + dtype);
            }
        }
    }

    @Test
    void acceptsUnbatchedAndNonContiguousInputs() {
        Generator gen = new Generator(4);
        Tensor x = Tensor.randn(gen, 2, 5, 6, 3); // [N, H, W, C], permuted to [N, C, H, W] below
        Tensor w = Tensor.randn(gen, 4, 3, 3, 3);
        Tensor nchw = x.permute(0, 3, 1, 2);
        Tensor y = F.conv2d(nchw, w, null, 1, 1);
        assertArrayEquals(reference(nchw.contiguous(), w, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1)
                .toFloatArray(), y.toFloatArray(), 1e-4f);
        Tensor single = F.conv2d(nchw.select(0, 1), w, null, 1, 1);
        assertArrayEquals(new int[] {4, 5, 6}, single.shape());
        assertArrayEquals(y.select(0, 1).toFloatArray(), single.toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        int[][] configs = {
            {2, 2, 5, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},
            {1, 4, 7, 6, 2, 2, 3, 2, 1, 0, 1, 2, 1, 2},
            {2, 3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 3},
            {1, 2, 5, 4, 2, 3, 3, 1, 1, 2, 2, 2, 2, 1},
        };
        long seed = 10;
        for (int[] c : configs) {
            Tensor x = leaf(seed++, c[0], c[1], c[2], c[3]);
            Tensor w = leaf(seed++, c[4], c[1] / c[13], c[5], c[6]);
            Tensor b = leaf(seed++, c[4]);
            int[] stride = {c[7], c[8]};
            int[] pad = {c[9], c[10]};
            int[] dil = {c[11], c[12]};
            GradCheck.check(in -> F.conv2d(in[0], in[1], in[2], stride, pad, dil, c[13]), x, w, b);
        }
    }

    @Test
    void secondDerivativesMatchCentralDifferences() {
        Tensor x = leaf(20, 2, 2, 4, 4);
        Tensor w = leaf(21, 2, 1, 3, 2);
        GradCheck.checkSecondOrder(
                in -> F.conv2d(in[0], in[1], null, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 1}, 2), x, w);
    }

    @Test
    void biasGradientIsTheSumOfTheOutputGradient() {
        Tensor x = Tensor.randn(new Generator(5), 2, 1, 4, 4);
        Tensor w = Tensor.randn(new Generator(6), 3, 1, 3, 3);
        Tensor b = Tensor.zeros(3).requiresGrad(true);
        F.conv2d(x, w, b, 1, 1).sum().backward();
        assertArrayEquals(new float[] {32, 32, 32}, b.grad().toFloatArray());
    }

    @Test
    void rejectsBadShapesNamingThem() {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        ShapeException rank = assertThrows(ShapeException.class,
                () -> F.conv2d(Tensor.zeros(2, 3), Tensor.zeros(4, 3, 3, 3), null));
        assertEquals("conv2d: input of shape [2, 3] must be 4-d [N, C, H, W]", rank.getMessage());
        ShapeException channels = assertThrows(ShapeException.class,
                () -> F.conv2d(x, Tensor.zeros(4, 2, 3, 3), null));
        assertTrue(channels.getMessage().contains("expects 2 input channels"), channels.getMessage());
        ShapeException groups = assertThrows(ShapeException.class,
                () -> F.conv2d(x, Tensor.zeros(4, 1, 3, 3), null, 1, 0, 1, 2));
        assertTrue(groups.getMessage().contains("divisible by groups (2)"), groups.getMessage());
        ShapeException small = assertThrows(ShapeException.class,
                () -> F.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 3, 3), null));
        assertTrue(small.getMessage().contains("smaller than the dilated kernel 3x3"), small.getMessage());
        ShapeException bias = assertThrows(ShapeException.class,
                () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3)));
        assertTrue(bias.getMessage().contains("bias of shape [3]"), bias.getMessage());
        assertThrows(ShapeException.class, () -> F.conv2d(x, Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3), null));
        assertThrows(ShapeException.class, () -> F.conv2d(x, Tensor.zeros(4, 3, 3, 3), null, 0, 0));
    }

    /** The definition, written out: out[n][o][y][x] = b[o] + sum w[o][c][i][j] x[n][g*cg + c][y*s - p + i*d][...]. */
    static Tensor reference(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int outH = (xs[2] + 2 * p[0] - d[0] * (ws[2] - 1) - 1) / s[0] + 1;
        int outW = (xs[3] + 2 * p[1] - d[1] * (ws[3] - 1) - 1) / s[1] + 1;
        int cg = xs[1] / groups;
        int og = ws[0] / groups;
        double[] out = new double[xs[0] * ws[0] * outH * outW];
        int k = 0;
        for (int n = 0; n < xs[0]; n++) {
            for (int o = 0; o < ws[0]; o++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        double sum = b == null ? 0 : b.get(o);
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < ws[2]; i++) {
                                for (int j = 0; j < ws[3]; j++) {
                                    int iy = oy * s[0] - p[0] + i * d[0];
                                    int ix = ox * s[1] - p[1] + j * d[1];
                                    if (iy >= 0 && iy < xs[2] && ix >= 0 && ix < xs[3]) {
                                        sum += w.get(o, c, i, j) * x.get(n, (o / og) * cg + c, iy, ix);
                                    }
                                }
                            }
                        }
                        out[k++] = sum;
                    }
                }
            }
        }
        return Tensor.of(out, xs[0], ws[0], outH, outW);
    }
}
