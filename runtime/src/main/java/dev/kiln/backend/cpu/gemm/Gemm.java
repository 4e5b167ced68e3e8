package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.VectorApi;

/**
 * C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T (transposed operands read in
 * place, never copied by the caller).
 *
 * <p>Element (i, p) of op(A) is {@code a[aOffset + i*lda + p]}, or {@code a[aOffset + p*lda + i]}
 * when transA (A stored k x m); likewise for B and C. beta == 0 overwrites C whatever it held, NaN
 * included. The float product runs on the Vector API kernel when the jdk.incubator.vector module is
 * in the boot layer and otherwise on a plain-Java kernel that C2 auto-vectorizes; the system
 * property {@code kiln.gemm=plain} forces the plain kernel.
 */
public final class Gemm {

  /** Whether sgemm runs on the Vector API kernel; decided once, when this class initializes. */
  private static final boolean VECTOR = !"plain".equals(System.getProperty("kiln.gemm"))
      && VectorApi.isPresent();

  private Gemm() {}

  /** Single-precision C = alpha * op(A) * op(B) + beta * C. */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    sgemm(VECTOR, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
        beta, c, cOffset, ldc);
  }

  /** Double-precision C = alpha * op(A) * op(B) + beta * C (used for gradient checks). */
  public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
      double alpha, double[] a, int aOffset, int lda, double[] b, int bOffset, int ldb,
      double beta, double[] c, int cOffset, int ldc) {
    GemmArgs.check(transA, transB, m, n, k, a.length, aOffset, lda, b.length, bOffset, ldb,
        c.length, cOffset, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0.0) {
      Dgemm.scale(m, n, beta, c, cOffset, ldc);
      return;
    }
    Dgemm.multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
        beta, c, cOffset, ldc);
  }

  /** Which kernel runs: "vector" (jdk.incubator.vector present) or "plain". */
  public static String kernelName() {
    return VECTOR ? "vector" : "plain";
  }

  /**
   * sgemm on a chosen path (vector == true needs jdk.incubator.vector): lets tests and benchmarks run
   * both kernels in one JVM.
   */
  static void sgemm(boolean vector, boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    GemmArgs.check(transA, transB, m, n, k, a.length, aOffset, lda, b.length, bOffset, ldb,
        c.length, cOffset, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0f) {
      scale(m, n, beta, c, cOffset, ldc);
      return;
    }
    if (vector && DotSgemm.suits(transA, transB, m, n, k)) {
      // The JVM resolves DotSgemm and VectorSgemmKernel (and with them jdk.incubator.vector) only
      // when these lines run.
      DotSgemm.multiply(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else if (vector) {
      SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, transA, transB, m, n, k, alpha,
          a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else {
      PlainSgemm.multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
          beta, c, cOffset, ldc);
    }
  }


  /** C = beta * C, with beta == 0 clearing C (NaN included): the whole product when k or alpha is 0. */
  private static void scale(int m, int n, float beta, float[] c, int cOffset, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        c[row + j] = beta == 0f ? 0f : beta * c[row + j];
      }
    }
  }
}
