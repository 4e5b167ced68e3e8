package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.Parallel;
import java.util.Arrays;

/**
 * The blocked loop nest of the plain-Java float path (used when jdk.incubator.vector is absent or
 * kiln.gemm=plain).
 *
 * <p>Each kc x nc block of op(B) is packed one array per depth row (the layout
 * {@link PlainSgemmKernel} needs to be vectorized) and shared by the threads, which split the rows of
 * C. Every group of four rows of C is copied into four accumulator rows (scaled by beta), updated
 * over the block and copied back. KC = 256 and NC = 512 keep the packed block (512 KiB) in L2 and the
 * four B rows and four accumulator rows one pass touches (16 KiB) in L1.
 *
 * <p>The vectorized inner loop runs along the rows of C, and C2 only enters it for rows of a few
 * dozen elements or more, so a product with short rows and more of them (n = 10 or 30 against
 * m = 128) is computed as C^T = op(B)^T * op(A)^T instead, with C written transposed.
 */
final class PlainSgemm {

  private static final int KC = 256;
  private static final int NC = 512;
  private static final int MR = PlainSgemmKernel.MR;

  /** Rows of C shorter than this are too short for C2's vector loop: compute C^T if it is wider. */
  private static final int SHORT_ROW = 64;

  /** Parallel's cost units per flop: scalar-looking work, but C2 runs it 8 to 16 lanes wide. */
  private static final int FLOPS_PER_COST_UNIT = 16;

  private PlainSgemm() {}

  /** C = alpha * op(A) * op(B) + beta * C for m, n, k > 0; the arguments are already validated. */
  static void multiply(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    if (n < SHORT_ROW && m > n) {
      // C^T (n x m) = op(B)^T * op(A)^T: B becomes the left operand and A the right one, each with
      // its transpose flag flipped, and element (i, j) of C^T lives at c[cOffset + j*ldc + i].
      blocked(!transB, !transA, n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda,
          beta, c, cOffset, 1, ldc);
    } else {
      blocked(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
          beta, c, cOffset, ldc, 1);
    }
  }

  /** The loop nest, with element (i, j) of the output at {@code c[cOffset + i*rowStep + j*colStep]}. */
  private static void blocked(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int rowStep, int colStep) {
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
        CRows out = new CRows(c, cOffset + col0 * colStep, rowStep, colStep, nc, pc == 0 ? beta : 1f);
        int groups = (m + MR - 1) / MR;
        long cost = 2L * MR * kc * nc / FLOPS_PER_COST_UNIT;
        Parallel.forRange(groups, cost, (g0, g1) -> rowGroups(g0 * MR, Math.min(m, g1 * MR),
            transA, a, aOffset, lda, depth0, kc, rows, alpha, out));
      }
    }
  }

  /** Rows [i0, i1) of C against one packed block of B. */
  private static void rowGroups(int i0, int i1, boolean transA, float[] a, int aOffset, int lda,
      int pc, int kc, float[][] rows, float alpha, CRows out) {
    int nc = out.width;
    PackBuffers buffers = PackBuffers.local();
    float[] t0 = buffers.accumulator(0, nc);
    float[] t1 = buffers.accumulator(1, nc);
    float[] t2 = buffers.accumulator(2, nc);
    float[] t3 = buffers.accumulator(3, nc);
    PlainSgemmKernel.ARows at = new PlainSgemmKernel.ARows();
    int i = i0;
    for (; i + MR <= i1; i += MR) {
      out.load(i, t0);
      out.load(i + 1, t1);
      out.load(i + 2, t2);
      out.load(i + 3, t3);
      at.set(transA, aOffset, lda, i, pc);
      PlainSgemmKernel.rows4(kc, alpha, a, at, rows, nc, t0, t1, t2, t3);
      out.store(i, t0);
      out.store(i + 1, t1);
      out.store(i + 2, t2);
      out.store(i + 3, t3);
    }
    for (; i < i1; i++) {
      out.load(i, t0);
      int aOff = transA ? aOffset + pc * lda + i : aOffset + i * lda + pc;
      PlainSgemmKernel.rows1(kc, alpha, a, aOff, transA ? lda : 1, rows, nc, t0);
      out.store(i, t0);
    }
  }

  /**
   * The output rows of one block: row i, columns [0, width) at {@code c[offset + i*rowStep +
   * j*colStep]}. An accumulator starts as beta times its row and is written back whole; with
   * colStep == 1 both directions are array copies, which (unlike an offset loop) C2 makes fast.
   */
  private static final class CRows {
    final float[] c;
    final int offset;
    final int rowStep;
    final int colStep;
    final int width;
    final float beta;

    CRows(float[] c, int offset, int rowStep, int colStep, int width, float beta) {
      this.c = c;
      this.offset = offset;
      this.rowStep = rowStep;
      this.colStep = colStep;
      this.width = width;
      this.beta = beta;
    }

    /** t = beta * row i; beta == 0 never reads C (it may hold NaN). */
    void load(int i, float[] t) {
      if (beta == 0f) {
        Arrays.fill(t, 0, width, 0f);
        return;
      }
      int o = offset + i * rowStep;
      if (colStep == 1) {
        System.arraycopy(c, o, t, 0, width);
      } else {
        for (int j = 0; j < width; j++) {
          t[j] = c[o + j * colStep];
        }
      }
      if (beta != 1f) {
        for (int j = 0; j < width; j++) {
          t[j] *= beta;
        }
      }
    }

    /** Row i = t. */
    void store(int i, float[] t) {
      int o = offset + i * rowStep;
      if (colStep == 1) {
        System.arraycopy(t, 0, c, o, width);
      } else {
        for (int j = 0; j < width; j++) {
          c[o + j * colStep] = t[j];
        }
      }
    }
  }
}
