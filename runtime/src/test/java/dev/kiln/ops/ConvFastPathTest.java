package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The float32 loops that convolution runs outside GEMM on the Vector API: the adds that fold unfolded
 * columns back into the input gradient (the same-size path and the row-by-row path) and the bias
 * gradient's channel sums. They must agree with the float64 path, which runs plain loops, on sizes that
 * leave vector tails, with padding, stride, dilation and groups.
 */
class ConvFastPathTest {

    /** kernel, stride, padding, dilation, groups over an input [n, cIn, h, w] with cOut outputs. */
    private record Case(int n, int cIn, int h, int w, int cOut, int kh, int kw, int stride, int pad, int dil,
            int groups) {
        @Override
        public String toString() {
            return "x[" + n + "," + cIn + "," + h + "," + w + "] w[" + cOut + "," + cIn / groups + "," + kh + "," + kw
                    + "] stride " + stride + " pad " + pad + " dil " + dil + " groups " + groups;
        }
    }

    private static final Case[] CASES = {
        new Case(3, 1, 28, 28, 16, 3, 3, 1, 1, 1, 1), // W3's first layer: same size
        new Case(2, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1), // W3's second layer
        new Case(2, 1, 7, 5, 4, 3, 3, 1, 1, 1, 1), // 35 positions: a vector tail
        new Case(2, 2, 9, 11, 3, 3, 3, 2, 1, 1, 1), // stride 2: strided folding
        new Case(2, 1, 10, 9, 5, 3, 3, 1, 2, 2, 1), // dilated, same size
        new Case(2, 1, 8, 13, 2, 1, 5, 1, 0, 1, 1), // a 1x5 kernel without padding: row-by-row folding
        new Case(1, 4, 6, 6, 4, 3, 3, 1, 0, 1, 2), // groups, smaller output: row-by-row folding
        new Case(2, 3, 37, 23, 2, 5, 5, 1, 2, 1, 1), // 5x5 same size: two wrapped columns per row, not one
        new Case(2, 2, 20, 40, 3, 3, 3, 1, 0, 1, 1), // rows of 38 outputs: whole vectors and a tail per row
    };

    @Test
    void float32GradientsMatchFloat64() {
        Generator gen = new Generator(11);
        for (Case c : CASES) {
            Tensor x64 = Tensor.randn(gen, DType.FLOAT64, c.n, c.cIn, c.h, c.w);
            Tensor w64 = Tensor.randn(gen, DType.FLOAT64, c.cOut, c.cIn / c.groups, c.kh, c.kw);
            Tensor b64 = Tensor.randn(gen, DType.FLOAT64, c.cOut);
            Tensor[] g32 = grads(c, x64.to(DType.FLOAT32), w64.to(DType.FLOAT32), b64.to(DType.FLOAT32), 12);
            Tensor[] g64 = grads(c, x64, w64, b64, 12);
            String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < names.length; i++) {
                assertClose(g64[i].toDoubleArray(), g32[i].toDoubleArray(), c + ": " + names[i]);
            }
        }
    }

    /** The output, then the gradients of x, w and b under a seeded random output gradient. */
    private static Tensor[] grads(Case c, Tensor x, Tensor w, Tensor b, long seed) {
        Tensor xl = x.detach().requiresGrad(true);
        Tensor wl = w.detach().requiresGrad(true);
        Tensor bl = b.detach().requiresGrad(true);
        int[] s = {c.stride, c.stride};
        int[] p = {c.pad, c.pad};
        int[] d = {c.dil, c.dil};
        Tensor y = Ops.conv2d(xl, wl, bl, s, p, d, c.groups);
        Tensor gy = Tensor.randn(new Generator(seed), DType.FLOAT64, y.shape()).to(x.dtype());
        Tensor[] g = Autograd.grad(y, new Tensor[] {xl, wl, bl}, gy, false);
        return new Tensor[] {y.detach(), g[0], g[1], g[2]};
    }

    /** Float32 against float64: each entry within a tolerance scaled by the largest magnitude. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= 1e-4 * scale, what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void channelSumsWithVectorTails() {
        Generator gen = new Generator(5);
        int[][] shapes = {{3, 5, 7, 9}, {2, 16, 28, 28}, {1, 3, 1, 1}, {4, 2, 3, 11}};
        for (int[] shape : shapes) {
            Tensor g = Tensor.randn(gen, DType.FLOAT32, shape);
            double[] v = g.toDoubleArray();
            int hw = shape[2] * shape[3];
            double[] expected = new double[shape[1]];
            for (int i = 0; i < shape[0]; i++) {
                for (int ch = 0; ch < shape[1]; ch++) {
                    for (int k = 0; k < hw; k++) {
                        expected[ch] += v[(i * shape[1] + ch) * hw + k];
                    }
                }
            }
            double[] actual = Convolution.channelSum(g).toDoubleArray();
            assertArrayEquals(expected, actual, 1e-4 * Math.sqrt((double) shape[0] * hw), java.util.Arrays.toString(shape));
        }
    }

    @Test
    void channelSumOfAnOffsetTensor() {
        // A slice along the batch starts past the storage's first element.
        Tensor g = Tensor.arange(DType.FLOAT32, 0, 2 * 3 * 5 * 5, 1).reshape(2, 3, 5, 5).slice(0, 1, 2);
        double[] expected = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            for (int k = 0; k < 25; k++) {
                expected[ch] += 75 + ch * 25 + k;
            }
        }
        assertArrayEquals(expected, Convolution.channelSum(g).toDoubleArray(), 0);
    }
}
