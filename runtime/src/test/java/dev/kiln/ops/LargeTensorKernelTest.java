package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tensors large enough for the kernels to split work between threads (a single long contiguous
 * row is cut into pieces, several rows are shared out), compared element by element with plain
 * loops. Three threads make the pieces fall at uneven places.
 */
class LargeTensorKernelTest {
    private static final int N = 300_007;
    private static int savedThreads;

    private final Generator gen = new Generator(99);

    @BeforeAll
    static void useThreeThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(3);
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void elementwiseOnOneLongRow() {
        float[] a = Tensor.randn(gen, N).toFloatArray();
        float[] b = Tensor.randn(gen, N).toFloatArray();
        Tensor ta = Tensor.of(a, N);
        Tensor tb = Tensor.of(b, N);
        float[] sum = ta.add(tb).toFloatArray();
        float[] exp = ta.exp().toFloatArray();
        float[] gelu = ta.gelu().toFloatArray();
        float[] gt = ta.gt(tb).toFloatArray();
        for (int i = 0; i < N; i++) {
            assertEquals(a[i] + b[i], sum[i], 0, "add at " + i);
            assertEquals((float) Math.exp(a[i]), exp[i], 0, "exp at " + i);
            assertEquals(a[i] > b[i] ? 1 : 0, gt[i], 0, "gt at " + i);
        }
        for (int i = 0; i < N; i += 97) {
            assertEquals(0.5 * a[i] * (1 + References.erf(a[i] / Math.sqrt(2))), gelu[i], 1e-5, "gelu at " + i);
        }
    }

    @Test
    void whereOnOneLongRowAndBroadcast() {
        float[] c = Tensor.randn(gen, N).gt(0).toFloatArray();
        float[] a = Tensor.randn(gen, N).toFloatArray();
        float[] b = Tensor.randn(gen, N).toFloatArray();
        c[5] = Float.NaN;
        c[6] = -0f;
        float[] out = Ops.where(Tensor.of(c, N), Tensor.of(a, N), Tensor.of(b, N)).toFloatArray();
        for (int i = 0; i < N; i++) {
            assertEquals(c[i] != 0 ? a[i] : b[i], out[i], 0, "where at " + i);
        }
        float[] scalarB = Ops.where(Tensor.of(c, N), Tensor.of(a, N), Tensor.scalar(7)).toFloatArray();
        for (int i = 0; i < N; i++) {
            assertEquals(c[i] != 0 ? a[i] : 7f, scalarB[i], 0, "where with a broadcast operand at " + i);
        }
    }

    @Test
    void transposedCopyAndBroadcastRows() {
        int rows = 700;
        int cols = 500;
        Tensor m = Tensor.randn(gen, rows, cols);
        float[] v = m.toFloatArray();
        float[] t = m.t().contiguous().toFloatArray();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(v[i * cols + j], t[j * rows + i], 0);
            }
        }
        Tensor bias = Tensor.randn(gen, cols);
        float[] bv = bias.toFloatArray();
        float[] shifted = m.add(bias).toFloatArray();
        for (int i = 0; i < rows * cols; i++) {
            assertEquals(v[i] + bv[i % cols], shifted[i], 0);
        }
        Tensor sliced = m.slice(1, 1, cols, 2);
        float[] s = sliced.mul(2).toFloatArray();
        int half = sliced.size(1);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < half; j++) {
                assertEquals(2 * v[i * cols + 1 + 2 * j], s[i * half + j], 0);
            }
        }
    }

    @Test
    void fillCastAndIntegerArithmetic() {
        Tensor z = Tensor.zeros(N);
        z.slice(0, 1, N, 2).fill(3);
        float[] f = z.toFloatArray();
        for (int i = 0; i < N; i++) {
            assertEquals(i % 2 == 1 ? 3 : 0, f[i], 0);
        }
        long[] big = new long[N];
        for (int i = 0; i < N; i++) {
            big[i] = (1L << 60) + i;
        }
        Tensor ti = Tensor.of(big, N);
        long[] twice = ti.add(ti.sub(1L << 60)).toLongArray();
        for (int i = 0; i < N; i++) {
            assertEquals(big[i] + i, twice[i], "int64 stays exact at " + i);
        }
        double[] d = Tensor.of(f, N).to(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < N; i++) {
            assertEquals(f[i], d[i], 0);
        }
    }

    @Test
    void embeddingLookupAndItsGradient() {
        int vocab = 5000;
        int dim = 64;
        int batch = 3000;
        Tensor weight = Tensor.randn(gen, vocab, dim);
        Tensor ids = Tensor.randint(gen, 0, vocab, batch);
        float[] w = weight.toFloatArray();
        long[] id = ids.toLongArray();
        float[] rows = Ops.indexSelect(weight, 0, ids).toFloatArray();
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < dim; k++) {
                assertEquals(w[(int) id[b] * dim + k], rows[b * dim + k], 0);
            }
        }
        Tensor g = Tensor.randn(gen, batch, dim);
        float[] gv = g.toFloatArray();
        Tensor expanded = ids.reshape(batch, 1).expand(batch, dim);
        float[] grad = Ops.scatterAdd(Tensor.zeros(vocab, dim), 0, expanded, g).toFloatArray();
        double[] expected = new double[vocab * dim];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < dim; k++) {
                expected[(int) id[b] * dim + k] += gv[b * dim + k];
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], grad[i], 1e-5);
        }
    }

    @Test
    void largeFloat32SumsStayAccurate() {
        int n = 1 << 20;
        double exact = (double) 0.1f * n;
        Tensor t = Tensor.full(0.1, n);
        // One float accumulator gave 104598 here (0.25% off); float32 itself resolves about 1e-7.
        assertEquals(exact, t.sum().item(), exact * 2e-6, "a row sum");
        assertEquals(exact, t.reshape(n, 1).sum(0, false).item(), exact * 2e-6, "a column sum");
        assertEquals(exact, t.reshape(1024, 1024).sum(new int[] {1, 0}, false).item(), exact * 2e-6);
        assertEquals(0.1f, t.mean().item(), 1e-7);
    }

    @Test
    void int64ReductionsAreExact() {
        long big = (1L << 53) + 1;
        Tensor t = Tensor.of(new long[] {big, 2, big, -5, 7, 1}, 2, 3);
        assertArrayEquals(new long[] {2 * big - 5 + 2 + 7 + 1}, t.sum().reshape(1).toLongArray());
        assertArrayEquals(new long[] {big - 5, 9, big + 1}, t.sum(0, false).toLongArray());
        assertArrayEquals(new long[] {big, 7}, t.max(1, false).toLongArray());
        assertArrayEquals(new long[] {2, -5}, t.min(1, false).toLongArray());
        assertArrayEquals(new long[] {big, 7}, Ops.where(Tensor.of(new float[] {1, 0}, 2), Tensor.of(
                new long[] {big, 3}, 2), Tensor.of(new long[] {4, 7}, 2)).toLongArray());
    }

    @Test
    void gatherAlongTheLastDimensionWithInt32Indices() {
        int n = 40_000;
        int classes = 10;
        Tensor logits = Tensor.randn(gen, n, classes);
        int[] target = new int[n];
        for (int i = 0; i < n; i++) {
            target[i] = (i * 7) % classes;
        }
        float[] picked = Ops.gather(logits, 1, Tensor.of(target, n, 1)).toFloatArray();
        float[] l = logits.toFloatArray();
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = l[i * classes + target[i]];
        }
        assertArrayEquals(expected, picked, 0);
    }
}
