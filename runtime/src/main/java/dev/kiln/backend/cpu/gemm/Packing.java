package dev.kiln.backend.cpu.gemm;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the contiguous layouts the micro-kernels stream through.
 *
 * <p>Transposition is resolved here, once per block, so the kernels only ever see one layout. Where
 * the source and destination orders differ, the copy goes in small tiles whose source lines and
 * destination rows both stay in L1, rather than striding through memory on either side.
 */
final class Packing {

  private Packing() {}

  /**
   * Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) into micro-panels of {@code mr} rows, panel
   * q starting at {@code dst[q*mr*kc]} and holding element (r, p) at {@code r*kc + p}: the rows one
   * after another, which is also how the kernel reads a row-major A in place. From a row-major A that
   * is one System.arraycopy per row; from a transposed A each depth step's mr adjacent values go to mr
   * sequential output streams. Rows past the end of A are zero so the kernel can always compute a full
   * panel.
   */
  static void packA(boolean transA, float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc,
      int mr, float[] dst) {
    int panels = (mc + mr - 1) / mr;
    for (int q = 0; q < panels; q++) {
      int rows = Math.min(mr, mc - q * mr);
      int base = q * mr * kc;
      int row0 = i0 + q * mr;
      if (!transA) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(a, aOffset + (row0 + r) * lda + p0, dst, base + r * kc, kc);
        }
      } else if (rows == 4) {
        transposed4(a, aOffset + p0 * lda + row0, lda, kc, dst, base);
      } else {
        for (int r = 0; r < rows; r++) {
          int src = aOffset + p0 * lda + row0 + r;
          int d = base + r * kc;
          for (int p = 0; p < kc; p++) {
            dst[d + p] = a[src + p * lda];
          }
        }
      }
      Arrays.fill(dst, base + rows * kc, base + mr * kc, 0f);
    }
  }

  /** Four rows of a transposed A: dst[base + r*kc + p] = a[src + p*lda + r]. */
  private static void transposed4(float[] a, int src, int lda, int kc, float[] dst, int base) {
    // The 4 values of one depth step are adjacent in the source; the source index advances by lda
    // per step, an induction variable, so C2 hoists the bounds checks.
    int d1 = base + kc;
    int d2 = d1 + kc;
    int d3 = d2 + kc;
    for (int p = 0; p < kc; p++, src += lda) {
      dst[base + p] = a[src];
      dst[d1 + p] = a[src + 1];
      dst[d2 + p] = a[src + 2];
      dst[d3 + p] = a[src + 3];
    }
  }

  /**
   * Packs strips [s0, s1) of the block depth [p0, p0+kc) x columns [j0, j0+nc) of op(B), laid out as
   * {@link Strips} describes: strip s holds element (p, j) at
   * {@code dst[start(s)*kc + p*width(s) + j]}; the padding columns past nc are zero.
   */
  static void packB(boolean transB, float[] b, int bOffset, int ldb, int p0, int kc, int j0, int nc,
      Strips strips, int s0, int s1, float[] dst) {
    for (int s = s0; s < s1; s++) {
      int first = strips.start(s);
      int width = strips.width(s);
      int cols = Math.min(width, nc - first);
      int base = first * kc;
      int col0 = j0 + first;
      if (transB) {
        transposeStrip(b, bOffset + col0 * ldb + p0, ldb, kc, cols, width, dst, base);
      } else {
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOffset + (p0 + p) * ldb + col0, dst, base + p * width, cols);
        }
      }
      if (cols < width) {
        for (int p = 0; p < kc; p++) {
          int d = base + p * width;
          for (int j = cols; j < width; j++) {
            dst[d + j] = 0f;
          }
        }
      }
    }
  }

  /**
   * Writes {@code dst[base + p*width + j] = b[src + j*ldb + p]} for p < kc, j < cols: a transposed
   * strip of B. Eight depth steps go per pass, so each column contributes eight adjacent floats (half
   * a cache line) per read and the eight destination rows being filled (8 x width floats) stay in L1;
   * this is about 8x faster than reading one strided element per write.
   */
  private static void transposeStrip(float[] b, int src, int ldb, int kc, int cols, int width,
      float[] dst, int base) {
    int p = 0;
    for (; p + 8 <= kc; p += 8) {
      int d0 = base + p * width;
      int d1 = d0 + width;
      int d2 = d1 + width;
      int d3 = d2 + width;
      int d4 = d3 + width;
      int d5 = d4 + width;
      int d6 = d5 + width;
      int d7 = d6 + width;
      for (int j = 0, s = src + p; j < cols; j++, s += ldb) {
        float x0 = b[s];
        float x1 = b[s + 1];
        float x2 = b[s + 2];
        float x3 = b[s + 3];
        float x4 = b[s + 4];
        float x5 = b[s + 5];
        float x6 = b[s + 6];
        float x7 = b[s + 7];
        dst[d0 + j] = x0;
        dst[d1 + j] = x1;
        dst[d2 + j] = x2;
        dst[d3 + j] = x3;
        dst[d4 + j] = x4;
        dst[d5 + j] = x5;
        dst[d6 + j] = x6;
        dst[d7 + j] = x7;
      }
    }
    for (; p < kc; p++) {
      int d = base + p * width;
      for (int j = 0; j < cols; j++) {
        dst[d + j] = b[src + j * ldb + p];
      }
    }
  }

  /**
   * Packs depth rows [p0, p0+count) x columns [j0, j0+nc) of op(B) one array per row, into
   * {@code rows[r0 + q][j]} (the layout of the plain-Java kernel).
   */
  static void packRows(boolean transB, float[] b, int bOffset, int ldb, int p0, int count, int j0,
      int nc, float[][] rows, int r0) {
    if (!transB) {
      for (int q = 0; q < count; q++) {
        System.arraycopy(b, bOffset + (p0 + q) * ldb + j0, rows[r0 + q], 0, nc);
      }
      return;
    }
    // op(B)(p, j) = b[j*ldb + p]: take 16 depth rows at a time so each source line (16 floats of one
    // column) is read once, contiguously, and its values land in 16 row arrays that stay in L1.
    for (int q0 = 0; q0 < count; q0 += 16) {
      int q1 = Math.min(count, q0 + 16);
      for (int j = 0; j < nc; j++) {
        int src = bOffset + (j0 + j) * ldb + p0;
        for (int q = q0; q < q1; q++) {
          rows[r0 + q][j] = b[src + q];
        }
      }
    }
  }
}
