package dev.kiln.backend.cpu;

import dev.kiln.backend.cpu.gemm.Gemm;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * Batched matrix products on {@link Gemm}. A transposed operand (a view with unit stride in its
 * first matrix dimension) is handed to GEMM as transposed, never copied; only layouts GEMM cannot
 * address (both strides non-unit, or overlapping rows) are packed into a contiguous copy first.
 */
final class CpuMatmul {
    private CpuMatmul() {}

    /** How GEMM reads one operand: transposed or not, with which leading dimension. */
    private record Layout(boolean transposed, int ld) {}

    static void matmul(Tensor a, Tensor b, Tensor out) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int batches = as[0];
        int m = as[1];
        int k = as[2];
        int n = bs[2];
        int[] ast = a.strides();
        int[] bst = b.strides();
        Layout la = layout(m, k, ast[1], ast[2]);
        Layout lb = layout(k, n, bst[1], bst[2]);
        if (la == null) {
            a = packed(a);
            ast = a.strides();
            la = layout(m, k, ast[1], ast[2]);
        }
        if (lb == null) {
            b = packed(b);
            bst = b.strides();
            lb = layout(k, n, bst[1], bst[2]);
        }
        int outStride = m * n;
        if (out.dtype() == DType.FLOAT32) {
            float[] x = a.storage().floats();
            float[] y = b.storage().floats();
            float[] o = out.storage().floats();
            for (int i = 0; i < batches; i++) {
                Gemm.sgemm(la.transposed(), lb.transposed(), m, n, k, 1f, x, a.offset() + i * ast[0], la.ld(),
                        y, b.offset() + i * bst[0], lb.ld(), 0f, o, out.offset() + i * outStride, Math.max(n, 1));
            }
        } else {
            double[] x = a.storage().doubles();
            double[] y = b.storage().doubles();
            double[] o = out.storage().doubles();
            for (int i = 0; i < batches; i++) {
                Gemm.dgemm(la.transposed(), lb.transposed(), m, n, k, 1.0, x, a.offset() + i * ast[0], la.ld(),
                        y, b.offset() + i * bst[0], lb.ld(), 0.0, o, out.offset() + i * outStride, Math.max(n, 1));
            }
        }
    }

    /** The GEMM reading of a rows x cols matrix with strides (s0, s1), or null when it needs packing. */
    private static Layout layout(int rows, int cols, int s0, int s1) {
        if ((cols == 1 || s1 == 1) && (rows == 1 || s0 >= cols)) {
            return new Layout(false, rows == 1 ? Math.max(cols, 1) : s0);
        }
        if ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= rows)) {
            return new Layout(true, cols == 1 ? Math.max(rows, 1) : s1);
        }
        return null;
    }

    /** A contiguous copy of a [batch, rows, cols] operand. */
    private static Tensor packed(Tensor t) {
        int[] shape = t.shape();
        Tensor c = new Tensor(Storage.allocate(t.dtype(), Shapes.numel(shape)), shape,
                Shapes.contiguousStrides(shape), 0);
        CpuBackend.INSTANCE.copy(t, c);
        return c;
    }
}
