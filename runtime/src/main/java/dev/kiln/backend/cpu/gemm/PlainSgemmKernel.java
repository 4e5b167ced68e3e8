package dev.kiln.backend.cpu.gemm;

/**
 * The float inner loops of the plain-Java path, written so that C2's superword pass vectorizes them.
 *
 * <p>C2 only vectorizes a loop whose arrays are all indexed by the bare loop variable (an offset such
 * as {@code b[off + j]} leaves JDK 17's loop scalar), so B is packed one array per depth row and the
 * four accumulator rows are separate arrays: the hot loop is {@code t[j] += a * b[j]} over columns j.
 * Each pass updates four rows of C, which loads every B element once for four multiply-adds. How
 * many depth steps a pass fuses depends on the JIT: JDK 25 vectorizes four (16 fma per accumulator
 * load and store), JDK 17 gives up on that body and vectorizes at most two.
 */
final class PlainSgemmKernel {

  /** Rows of C one pass updates. */
  static final int MR = 4;

  /** Whether this JIT vectorizes the four-depth-step body (measured on JDK 17 and 25). */
  private static final boolean FUSE_FOUR = Runtime.version().feature() >= 25;

  private PlainSgemmKernel() {}

  /**
   * Adds {@code alpha * sum_p A[r, p] * rows[p][j]} over p < kc to {@code t_r[j]} for the four rows r
   * and columns j < width, where A[r, p] is {@code a[at.o<r> + p * at.step]}. A is read in place
   * (16 scalars per pass of the inner loop), and alpha is folded into those scalars for free.
   */
  static void rows4(int kc, float alpha, float[] a, ARows at, float[][] rows, int width,
      float[] t0, float[] t1, float[] t2, float[] t3) {
    int p = 0;
    if (FUSE_FOUR) {
      for (; p + 3 < kc; p += 4) {
        depth4(alpha, a, at, p, rows, width, t0, t1, t2, t3);
      }
    }
    for (; p + 1 < kc; p += 2) {
      depth2(alpha, a, at, p, rows, width, t0, t1, t2, t3);
    }
    if (p < kc) {
      depth1(alpha, a, at, p, rows[p], width, t0, t1, t2, t3);
    }
  }

  /** Adds {@code alpha * sum_p a[aOff + p*step] * rows[p][j]} to {@code t[j]}: one row (the m edge). */
  static void rows1(int kc, float alpha, float[] a, int aOff, int step, float[][] rows, int width,
      float[] t) {
    for (int p = 0; p < kc; p++) {
      float ap = alpha * a[aOff + p * step];
      float[] x = rows[p];
      for (int j = 0; j < width; j++) {
        t[j] = Math.fma(ap, x[j], t[j]);
      }
    }
  }

  /** Where four consecutive rows of op(A) start in its array, and the step between depth columns. */
  static final class ARows {
    int o0;
    int o1;
    int o2;
    int o3;
    int step;

    /** Points at rows [i, i+4) of op(A) from depth p0 on. */
    void set(boolean transA, int aOffset, int lda, int i, int p0) {
      if (transA) {
        o0 = aOffset + p0 * lda + i;
        step = lda;
        o1 = o0 + 1;
        o2 = o0 + 2;
        o3 = o0 + 3;
      } else {
        o0 = aOffset + i * lda + p0;
        step = 1;
        o1 = o0 + lda;
        o2 = o1 + lda;
        o3 = o2 + lda;
      }
    }
  }

  private static void depth4(float alpha, float[] a, ARows at, int p, float[][] rows, int width,
      float[] t0, float[] t1, float[] t2, float[] t3) {
    int s = at.step;
    int q0 = p * s;
    int q1 = q0 + s;
    int q2 = q1 + s;
    int q3 = q2 + s;
    float a00 = alpha * a[at.o0 + q0];
    float a10 = alpha * a[at.o1 + q0];
    float a20 = alpha * a[at.o2 + q0];
    float a30 = alpha * a[at.o3 + q0];
    float a01 = alpha * a[at.o0 + q1];
    float a11 = alpha * a[at.o1 + q1];
    float a21 = alpha * a[at.o2 + q1];
    float a31 = alpha * a[at.o3 + q1];
    float a02 = alpha * a[at.o0 + q2];
    float a12 = alpha * a[at.o1 + q2];
    float a22 = alpha * a[at.o2 + q2];
    float a32 = alpha * a[at.o3 + q2];
    float a03 = alpha * a[at.o0 + q3];
    float a13 = alpha * a[at.o1 + q3];
    float a23 = alpha * a[at.o2 + q3];
    float a33 = alpha * a[at.o3 + q3];
    float[] x0 = rows[p];
    float[] x1 = rows[p + 1];
    float[] x2 = rows[p + 2];
    float[] x3 = rows[p + 3];
    for (int j = 0; j < width; j++) {
      float y0 = x0[j];
      float y1 = x1[j];
      float y2 = x2[j];
      float y3 = x3[j];
      t0[j] = Math.fma(a03, y3, Math.fma(a02, y2, Math.fma(a01, y1, Math.fma(a00, y0, t0[j]))));
      t1[j] = Math.fma(a13, y3, Math.fma(a12, y2, Math.fma(a11, y1, Math.fma(a10, y0, t1[j]))));
      t2[j] = Math.fma(a23, y3, Math.fma(a22, y2, Math.fma(a21, y1, Math.fma(a20, y0, t2[j]))));
      t3[j] = Math.fma(a33, y3, Math.fma(a32, y2, Math.fma(a31, y1, Math.fma(a30, y0, t3[j]))));
    }
  }

  private static void depth2(float alpha, float[] a, ARows at, int p, float[][] rows, int width,
      float[] t0, float[] t1, float[] t2, float[] t3) {
    int q0 = p * at.step;
    int q1 = q0 + at.step;
    float a00 = alpha * a[at.o0 + q0];
    float a10 = alpha * a[at.o1 + q0];
    float a20 = alpha * a[at.o2 + q0];
    float a30 = alpha * a[at.o3 + q0];
    float a01 = alpha * a[at.o0 + q1];
    float a11 = alpha * a[at.o1 + q1];
    float a21 = alpha * a[at.o2 + q1];
    float a31 = alpha * a[at.o3 + q1];
    float[] x0 = rows[p];
    float[] x1 = rows[p + 1];
    for (int j = 0; j < width; j++) {
      float y0 = x0[j];
      float y1 = x1[j];
      t0[j] = Math.fma(a01, y1, Math.fma(a00, y0, t0[j]));
      t1[j] = Math.fma(a11, y1, Math.fma(a10, y0, t1[j]));
      t2[j] = Math.fma(a21, y1, Math.fma(a20, y0, t2[j]));
      t3[j] = Math.fma(a31, y1, Math.fma(a30, y0, t3[j]));
    }
  }

  private static void depth1(float alpha, float[] a, ARows at, int p, float[] x, int width,
      float[] t0, float[] t1, float[] t2, float[] t3) {
    int q = p * at.step;
    float a0 = alpha * a[at.o0 + q];
    float a1 = alpha * a[at.o1 + q];
    float a2 = alpha * a[at.o2 + q];
    float a3 = alpha * a[at.o3 + q];
    for (int j = 0; j < width; j++) {
      float y = x[j];
      t0[j] = Math.fma(a0, y, t0[j]);
      t1[j] = Math.fma(a1, y, t1[j]);
      t2[j] = Math.fma(a2, y, t2[j]);
      t3[j] = Math.fma(a3, y, t3[j]);
    }
  }
}
