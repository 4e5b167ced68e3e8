package dev.kiln.backend.cpu.gemm;

/**
 * Validates the shape, stride and bounds arguments of a GEMM call up front, so a bad call fails with
 * a clear message instead of an index error deep inside a kernel (or, worse, a silent read of
 * neighbouring data when a leading dimension is too small).
 */
final class GemmArgs {

  private GemmArgs() {}

  /** Throws IllegalArgumentException unless every operand fits its array. */
  static void check(boolean transA, boolean transB, int m, int n, int k,
      int aLength, int aOffset, int lda, int bLength, int bOffset, int ldb,
      int cLength, int cOffset, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("negative size: m=" + m + " n=" + n + " k=" + k);
    }
    // op(A) is m x k, stored as m x k (or k x m when transposed); likewise op(B) k x n, C m x n.
    operand("A", transA ? k : m, transA ? m : k, aLength, aOffset, lda);
    operand("B", transB ? n : k, transB ? k : n, bLength, bOffset, ldb);
    operand("C", m, n, cLength, cOffset, ldc);
  }

  private static void operand(String name, int rows, int cols, int length, int offset, int ld) {
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          "ld" + name.toLowerCase() + "=" + ld + " is less than the row length " + cols);
    }
    if (offset < 0) {
      throw new IllegalArgumentException(name + " offset is negative: " + offset);
    }
    if (rows == 0 || cols == 0) {
      return;
    }
    long last = offset + (long) (rows - 1) * ld + cols;
    if (last > length) {
      throw new IllegalArgumentException(name + " (" + rows + " x " + cols + ", ld " + ld
          + ", offset " + offset + ") needs " + last + " elements but its array has " + length);
    }
  }
}
