package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.Parallel;

/**
 * The blocked loop nest of the plain-Java float path (used when jdk.incubator.vector is absent or
 * kiln.gemm=plain).
 *
 * <p>Each kc x nc block of op(B) is packed one array per depth row (the layout
 * {@link PlainSgemmKernel} needs to be vectorized) and shared by the threads, which split the rows of
 * C. Every group of four rows of C is copied into four accumulator rows (scaled by beta), updated
 * over the block and copied back. KC = 256 and NC = 512 keep the packed block (512 KiB) in L2 and the
 * four B rows and four accumulator rows one pass touches (16 KiB) in L1.
 */
final class PlainSgemm {

  private static final int KC = 256;
  private static final int NC = 512;
  private static final int MR = PlainSgemmKernel.MR;

  /** Parallel's cost units per flop: scalar-looking work, but C2 runs it 8 to 16 lanes wide. */
  private static final int FLOPS_PER_COST_UNIT = 16;

  private PlainSgemm() {}

  /** C = alpha * op(A) * op(B) + beta * C for m, n, k > 0; the arguments are already validated. */
  static void multiply(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    PackBuffers callerBuffers = PackBuffers.local();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float[][] rows = callerBuffers.rows(KC, NC);
        int col0 = jc;
        int depth0 = pc;
        Parallel.forRange(kc, nc / FLOPS_PER_COST_UNIT + 1, (p0, p1) ->
            Packing.packRows(transB, b, bOffset, ldb, depth0 + p0, p1 - p0, col0, nc, rows, p0));
        float blockBeta = pc == 0 ? beta : 1f;
        int groups = (m + MR - 1) / MR;
        long cost = 2L * MR * kc * nc / FLOPS_PER_COST_UNIT;
        Parallel.forRange(groups, cost, (g0, g1) -> rowGroups(g0 * MR, Math.min(m, g1 * MR), transA,
            a, aOffset, lda, depth0, kc, rows, nc, alpha, blockBeta, c, cOffset + col0, ldc));
      }
    }
  }

  /** Rows [i0, i1) of C against one packed block of B. */
  private static void rowGroups(int i0, int i1, boolean transA, float[] a, int aOffset, int lda,
      int pc, int kc, float[][] rows, int nc, float alpha, float beta, float[] c, int cOffset,
      int ldc) {
    PackBuffers buffers = PackBuffers.local();
    float[] t0 = buffers.accumulator(0, nc);
    float[] t1 = buffers.accumulator(1, nc);
    float[] t2 = buffers.accumulator(2, nc);
    float[] t3 = buffers.accumulator(3, nc);
    PlainSgemmKernel.ARows at = new PlainSgemmKernel.ARows();
    int i = i0;
    for (; i + MR <= i1; i += MR) {
      int o = cOffset + i * ldc;
      load(c, o, beta, t0, nc);
      load(c, o + ldc, beta, t1, nc);
      load(c, o + 2 * ldc, beta, t2, nc);
      load(c, o + 3 * ldc, beta, t3, nc);
      at.set(transA, aOffset, lda, i, pc);
      PlainSgemmKernel.rows4(kc, alpha, a, at, rows, nc, t0, t1, t2, t3);
      System.arraycopy(t0, 0, c, o, nc);
      System.arraycopy(t1, 0, c, o + ldc, nc);
      System.arraycopy(t2, 0, c, o + 2 * ldc, nc);
      System.arraycopy(t3, 0, c, o + 3 * ldc, nc);
    }
    for (; i < i1; i++) {
      int o = cOffset + i * ldc;
      load(c, o, beta, t0, nc);
      int aOff = transA ? aOffset + pc * lda + i : aOffset + i * lda + pc;
      PlainSgemmKernel.rows1(kc, alpha, a, aOff, transA ? lda : 1, rows, nc, t0);
      System.arraycopy(t0, 0, c, o, nc);
    }
  }

  /**
   * Starts an accumulator row at beta * C: the kernel then adds alpha * A * B on top, and the row is
   * copied back whole. Copies and same-index loops are the only forms C2 vectorizes here; beta == 0
   * never reads C (it may hold NaN).
   */
  private static void load(float[] c, int off, float beta, float[] t, int n) {
    if (beta == 0f) {
      java.util.Arrays.fill(t, 0, n, 0f);
      return;
    }
    System.arraycopy(c, off, t, 0, n);
    if (beta != 1f) {
      for (int j = 0; j < n; j++) {
        t[j] *= beta;
      }
    }
  }
}
