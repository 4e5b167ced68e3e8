package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.Parallel;

/**
 * The double-precision product: a simply blocked plain-Java loop, correct for every transpose
 * combination and fast enough for gradient checks.
 *
 * <p>Each kc x nc block of op(B) is copied one array per depth row into a per-thread buffer
 * (256 x 256 doubles, 512 KiB, so it stays in L2), which also resolves a transposed B; then every row
 * of C is updated in an accumulator row with {@code t[j] += a_ip * b_p[j]}, an inner loop C2
 * vectorizes because all its arrays share the index. Rows of C are split over the worker threads.
 */
final class Dgemm {

  private static final int KC = 256;
  private static final int NC = 256;

  /** Per-row cost in Parallel's units: a double fma in a vectorized loop is far cheaper than one. */
  private static final int FLOPS_PER_COST_UNIT = 16;

  private Dgemm() {}

  /** C = alpha * op(A) * op(B) + beta * C for m, n, k > 0; the arguments are already validated. */
  static void multiply(boolean transA, boolean transB, int m, int n, int k,
      double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb,
      double beta, double[] c, int cOffset, int ldc) {
    PackBuffers buffers = PackBuffers.local();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        double[][] rows = buffers.doubleRows(KC, NC);
        pack(transB, b, bOffset, ldb, pc, kc, jc, nc, rows);
        int col0 = jc;
        int depth0 = pc;
        double blockBeta = pc == 0 ? beta : 1.0;
        long cost = 2L * kc * nc / FLOPS_PER_COST_UNIT;
        Parallel.forRange(m, cost, (i0, i1) -> rows(i0, i1, transA, alpha, a, aOffset, lda,
            rows, depth0, kc, nc, blockBeta, c, cOffset + col0, ldc));
      }
    }
  }

  /** C = beta * C, with beta == 0 clearing C (NaN included). */
  static void scale(int m, int n, double beta, double[] c, int cOffset, int ldc) {
    if (beta == 1.0) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0.0 ? 0.0 : beta * c[row + j];
      }
    }
  }

  private static void pack(boolean transB, double[] b, int bOffset, int ldb, int p0, int kc,
      int j0, int nc, double[][] rows) {
    for (int p = 0; p < kc; p++) {
      double[] row = rows[p];
      if (transB) {
        int src = bOffset + j0 * ldb + p0 + p;
        for (int j = 0; j < nc; j++) {
          row[j] = b[src + j * ldb];
        }
      } else {
        System.arraycopy(b, bOffset + (p0 + p) * ldb + j0, row, 0, nc);
      }
    }
  }

  /**
   * Rows [i0, i1) of C against one packed block: each row is copied into an accumulator (scaled by
   * beta), updated with {@code t[j] += a_ip * row_p[j]} (same-index arrays, so C2 vectorizes it) and
   * copied back.
   */
  private static void rows(int i0, int i1, boolean transA, double alpha, double[] a, int aOffset,
      int lda, double[][] rows, int p0, int kc, int nc, double beta, double[] c, int cOffset,
      int ldc) {
    double[] t = PackBuffers.local().doubleAccumulator(nc);
    for (int i = i0; i < i1; i++) {
      int row = cOffset + i * ldc;
      if (beta == 0.0) {
        java.util.Arrays.fill(t, 0, nc, 0.0);
      } else {
        System.arraycopy(c, row, t, 0, nc);
        if (beta != 1.0) {
          for (int j = 0; j < nc; j++) {
            t[j] *= beta;
          }
        }
      }
      int aIndex = transA ? aOffset + p0 * lda + i : aOffset + i * lda + p0;
      int aStep = transA ? lda : 1;
      int p = 0;
      for (; p + 1 < kc; p += 2, aIndex += 2 * aStep) {
        double a0 = alpha * a[aIndex];
        double a1 = alpha * a[aIndex + aStep];
        double[] x0 = rows[p];
        double[] x1 = rows[p + 1];
        for (int j = 0; j < nc; j++) {
          t[j] += a0 * x0[j] + a1 * x1[j];
        }
      }
      if (p < kc) {
        double a0 = alpha * a[aIndex];
        double[] x0 = rows[p];
        for (int j = 0; j < nc; j++) {
          t[j] += a0 * x0[j];
        }
      }
      System.arraycopy(t, 0, c, row, nc);
    }
  }
}
