package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = alpha * A * B^T + beta * C as dot products along k, for a row-major A (m x k) and B (n x k)
 * whose rows are both contiguous in k: no packing at all.
 *
 * <p>The packed scheme must transpose B into strips first, about two cycles a float, which a product
 * with few rows of A (conv1's weight gradient, 9 x 16 x 784 per image) or few rows of B (a classifier
 * head, 256 x 10 x 1024) cannot amortize; its narrow tile then also runs mostly empty. Here a 4 x 4
 * block of C keeps 16 vector accumulators, fed by 4 vector loads from A and 4 from B per step, and
 * reduces each accumulator once per slice of k. Long k is cut into slices so that the rows of a slice
 * stay in cache while every block of C reuses them.
 *
 * <p>This class links against jdk.incubator.vector; only the vector path of {@link Gemm} reaches it.
 */
final class DotSgemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();

  /** Block of C computed from one set of accumulators. */
  private static final int R = 4;

  /** Longest slice of k per pass: 4 rows of A and of B take 128 KiB, within L2. */
  private static final int K_SLICE = 4096;

  /**
   * Whether this kernel beats the packed one: B transposed, A not, k long enough to amortize the
   * reductions, and C with few rows (so transposing B is a large share of the work) or few columns
   * (so the packed tile runs mostly empty). The bounds are where the two crossed on W2's and W3's
   * shapes with 512-bit vectors; with narrower ones (16 registers on AVX2) the 16 accumulators would
   * spill, so those machines keep the packed kernel.
   */
  static boolean suits(boolean transA, boolean transB, int m, int n, int k) {
    return V >= 16 && !transA && transB && k >= 256 && (m <= 32 || n <= 16);
  }

  private DotSgemm() {}

  /** The product for m, n, k > 0 (already validated); splits row blocks, or else column blocks. */
  static void multiply(int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
    boolean parallel = Parallel.threads() > 1
        && 2L * m * n * k >= SgemmDriver.PARALLEL_MIN_FLOPS;
    int rowBlocks = (m + R - 1) / R;
    int colBlocks = (n + R - 1) / R;
    if (!parallel) {
      range(0, m, 0, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else if (rowBlocks >= 2 * Parallel.threads() || rowBlocks >= colBlocks) {
      Parallel.forRange(rowBlocks, Long.MAX_VALUE, (q0, q1) -> range(q0 * R, Math.min(m, q1 * R),
          0, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc));
    } else {
      Parallel.forRange(colBlocks, Long.MAX_VALUE, (q0, q1) -> range(0, m, q0 * R,
          Math.min(n, q1 * R), k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc));
    }
  }

  /** Rows [i0, i1) by columns [j0, j1) of C, slice by slice of k. */
  private static void range(int i0, int i1, int j0, int j1, int k, float alpha, float[] a,
      int aOffset, int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset,
      int ldc) {
    float[] sums = PackBuffers.local().tile(R * R);
    int step = SgemmDriver.balancedStep(k, K_SLICE, V);
    for (int p0 = 0; p0 < k; p0 += step) {
      int kc = Math.min(step, k - p0);
      float sliceBeta = p0 == 0 ? beta : 1f;
      for (int i = i0; i < i1; i += R) {
        int rows = Math.min(R, i1 - i);
        int aRow = aOffset + i * lda + p0;
        for (int j = j0; j < j1; j += R) {
          int cols = Math.min(R, j1 - j);
          int bRow = bOffset + j * ldb + p0;
          if (rows == R && cols == R) {
            block4x4(kc, a, aRow, lda, b, bRow, ldb, sums);
          } else {
            for (int r = 0; r < rows; r++) {
              for (int q = 0; q < cols; q++) {
                sums[r * R + q] = dot(kc, a, aRow + r * lda, b, bRow + q * ldb);
              }
            }
          }
          int cAt = cOffset + i * ldc + j;
          for (int r = 0; r < rows; r++) {
            for (int q = 0; q < cols; q++) {
              int o = cAt + r * ldc + q;
              float x = alpha * sums[r * R + q];
              c[o] = sliceBeta == 0f ? x : x + sliceBeta * c[o];
            }
          }
        }
      }
    }
  }

  /** sums[r*4 + q] = dot(A row r, B row q) over kc elements, for the 4 rows of each at a and b. */
  private static void block4x4(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb,
      float[] sums) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c02 = FloatVector.zero(S);
    FloatVector c03 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c12 = FloatVector.zero(S);
    FloatVector c13 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c22 = FloatVector.zero(S);
    FloatVector c23 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    FloatVector c32 = FloatVector.zero(S);
    FloatVector c33 = FloatVector.zero(S);
    int a1 = a0 + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    int b1 = b0 + ldb;
    int b2 = b1 + ldb;
    int b3 = b2 + ldb;
    int vk = kc - kc % V;
    for (int p = 0; p < vk; p += V) {
      FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
      FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
      FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
      FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
      FloatVector x = FloatVector.fromArray(S, a, a0 + p);
      c00 = x.fma(y0, c00);
      c01 = x.fma(y1, c01);
      c02 = x.fma(y2, c02);
      c03 = x.fma(y3, c03);
      x = FloatVector.fromArray(S, a, a1 + p);
      c10 = x.fma(y0, c10);
      c11 = x.fma(y1, c11);
      c12 = x.fma(y2, c12);
      c13 = x.fma(y3, c13);
      x = FloatVector.fromArray(S, a, a2 + p);
      c20 = x.fma(y0, c20);
      c21 = x.fma(y1, c21);
      c22 = x.fma(y2, c22);
      c23 = x.fma(y3, c23);
      x = FloatVector.fromArray(S, a, a3 + p);
      c30 = x.fma(y0, c30);
      c31 = x.fma(y1, c31);
      c32 = x.fma(y2, c32);
      c33 = x.fma(y3, c33);
    }
    sums[0] = c00.reduceLanes(VectorOperators.ADD);
    sums[1] = c01.reduceLanes(VectorOperators.ADD);
    sums[2] = c02.reduceLanes(VectorOperators.ADD);
    sums[3] = c03.reduceLanes(VectorOperators.ADD);
    sums[4] = c10.reduceLanes(VectorOperators.ADD);
    sums[5] = c11.reduceLanes(VectorOperators.ADD);
    sums[6] = c12.reduceLanes(VectorOperators.ADD);
    sums[7] = c13.reduceLanes(VectorOperators.ADD);
    sums[8] = c20.reduceLanes(VectorOperators.ADD);
    sums[9] = c21.reduceLanes(VectorOperators.ADD);
    sums[10] = c22.reduceLanes(VectorOperators.ADD);
    sums[11] = c23.reduceLanes(VectorOperators.ADD);
    sums[12] = c30.reduceLanes(VectorOperators.ADD);
    sums[13] = c31.reduceLanes(VectorOperators.ADD);
    sums[14] = c32.reduceLanes(VectorOperators.ADD);
    sums[15] = c33.reduceLanes(VectorOperators.ADD);
    // The last kc % V depth steps, scalar.
    for (int p = vk; p < kc; p++) {
      for (int r = 0; r < R; r++) {
        float x = a[a0 + r * lda + p];
        for (int q = 0; q < R; q++) {
          sums[r * R + q] += x * b[b0 + q * ldb + p];
        }
      }
    }
  }

  /** One dot product of kc elements (the ragged rows and columns of C). */
  private static float dot(int kc, float[] a, int a0, float[] b, int b0) {
    FloatVector acc = FloatVector.zero(S);
    int vk = kc - kc % V;
    for (int p = 0; p < vk; p += V) {
      acc = FloatVector.fromArray(S, a, a0 + p).fma(FloatVector.fromArray(S, b, b0 + p), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (int p = vk; p < kc; p++) {
      sum += a[a0 + p] * b[b0 + p];
    }
    return sum;
  }
}
