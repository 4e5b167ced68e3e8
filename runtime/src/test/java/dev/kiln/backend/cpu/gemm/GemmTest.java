package dev.kiln.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.backend.cpu.JvmWithoutVectorModule;
import dev.kiln.backend.cpu.VectorApi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks sgemm (both kernels) and dgemm against a naive double-precision triple loop. */
class GemmTest {

  /** Shapes m x n x k: tiny, ragged against the vector width and tiles, and crossing every block. */
  private static final int[][] SHAPES = {
      {1, 1, 1},
      {1, 7, 1},
      {3, 5, 7},
      {4, 16, 1},
      {5, 17, 9},
      {17, 33, 29},
      {64, 64, 64},
      {13, 130, 3},
      {128, 10, 30},    // short rows: the plain path computes C^T
      {70, 30, 130},
      {300, 7, 3},
      {31, 47, 257},    // plain KC = 256
      {193, 65, 513},   // vector MC = 192, KC = 512
      {9, 513, 11},     // plain NC = 512
      {6, 2049, 5},     // vector NC = 2048
      // Paths that skip packing (all four transposes still run through each shape):
      {9, 16, 784},     // NT: dot-product kernel (conv1's weight gradient); NN: A read in place
      {37, 10, 261},    // NT: dot kernel with narrow C, ragged rows and a k tail
      {5, 9, 4100},     // NT: dot kernel over two slices of k
      {10, 37, 300},    // NN, TN: B read in place (few rows of C), ragged last strip packed
      {13, 2100, 20},   // B read in place across two NC panels
      {66, 100, 40},    // NN, NT: A read in place (two strips), ragged last micro-panel packed
  };

  private int savedThreads;

  @BeforeEach
  void saveThreads() {
    savedThreads = Parallel.threads();
  }

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  static Stream<Arguments> floatCases() {
    List<Arguments> cases = new ArrayList<>();
    List<Boolean> paths = new ArrayList<>();
    paths.add(false);
    if (VectorApi.isPresent()) {
      paths.add(true);
    }
    for (boolean vector : paths) {
      for (int[] s : SHAPES) {
        for (int t = 0; t < 4; t++) {
          cases.add(Arguments.of(vector, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "vector={0} m={1} n={2} k={3} tA={4} tB={5}")
  @MethodSource("floatCases")
  void sgemmMatchesReference(boolean vector, int m, int n, int k, boolean transA, boolean transB) {
    SplittableRandom random = new SplittableRandom(31L * m + 7L * n + k + (transA ? 1 : 0));
    // Plain layout, unit offsets, then padded leading dimensions with offsets.
    checkSgemm(vector, random, m, n, k, transA, transB, 1f, 0f, 0, 0, false);
    checkSgemm(vector, random, m, n, k, transA, transB, -0.75f, 0.5f, 3, 5, false);
    checkSgemm(vector, random, m, n, k, transA, transB, 1.5f, 0f, 1, 2, true);
    checkSgemm(vector, random, m, n, k, transA, transB, 0.25f, 1f, 2, 0, false);
  }

  @ParameterizedTest(name = "vector={0} threads={1}")
  @MethodSource("threadCases")
  void sgemmLargeEnoughToSplitAgreesOnOneAndTwoThreads(boolean vector, int threads) {
    Parallel.setThreads(threads);
    SplittableRandom random = new SplittableRandom(threads);
    // 2*m*n*k is above the parallel threshold; m = 195 leaves a ragged micro-panel.
    for (int t = 0; t < 4; t++) {
      checkSgemm(vector, random, 195, 200, 300, (t & 1) != 0, (t & 2) != 0, 1f, 0.5f, 1, 3, true);
    }
    // Short and wide: too few rows to share, so the threads share columns instead.
    checkSgemm(vector, random, 4, 1100, 2000, false, false, 1f, 0f, 0, 0, true);
    // B read in place with the strips shared; A read in place with the rows shared.
    checkSgemm(vector, random, 10, 1024, 300, true, false, 1f, 0.5f, 1, 3, false);
    checkSgemm(vector, random, 300, 100, 200, false, false, -1f, 0f, 2, 1, true);
    // The dot-product kernel sharing row blocks, then (C too short) column blocks.
    checkSgemm(vector, random, 32, 144, 600, false, true, 1f, 0f, 0, 2, true);
    checkSgemm(vector, random, 8, 12, 6000, false, true, 0.5f, 1f, 1, 0, false);
  }

  @ParameterizedTest(name = "vector={0}")
  @MethodSource("kernels")
  void operandsReadInPlaceStayInsideExactlySizedArrays(boolean vector) {
    SplittableRandom random = new SplittableRandom(7);
    // {m, n, k, transA, transB}: B in place with full and ragged last strips, A in place with a
    // ragged last micro-panel, and the dot-product kernel with a k tail; every array ends at its last
    // element, so any read past an operand would throw.
    int[][] cases = {{8, 64, 50, 0, 0}, {30, 200, 17, 1, 0}, {70, 48, 33, 0, 0}, {6, 20, 300, 0, 1}};
    for (int[] t : cases) {
      int m = t[0];
      int n = t[1];
      int k = t[2];
      boolean transA = t[3] == 1;
      boolean transB = t[4] == 1;
      float[] a = randomFloats(random, m * k);
      float[] b = randomFloats(random, k * n);
      float[] c = new float[m * n];
      Gemm.sgemm(vector, transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n,
          0f, c, 0, n);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double magnitude = 0;
          for (int p = 0; p < k; p++) {
            double x = transA ? a[p * m + i] : a[i * k + p];
            double y = transB ? b[j * k + p] : b[p * n + j];
            sum += x * y;
            magnitude += Math.abs(x * y);
          }
          assertEquals(sum, c[i * n + j], (k + 4) * 1.2e-7 * magnitude + 1e-6,
              "m=" + m + " n=" + n + " k=" + k + " C[" + i + "," + j + "]");
        }
      }
    }
  }

  static Stream<Arguments> kernels() {
    return VectorApi.isPresent() ? Stream.of(Arguments.of(false), Arguments.of(true))
        : Stream.of(Arguments.of(false));
  }

  static Stream<Arguments> threadCases() {
    List<Arguments> cases = new ArrayList<>();
    for (int threads : new int[] {1, 2, 3}) {
      cases.add(Arguments.of(false, threads));
      if (VectorApi.isPresent()) {
        cases.add(Arguments.of(true, threads));
      }
    }
    return cases.stream();
  }

  @Test
  void dgemmMatchesReferenceForAllTransposes() {
    SplittableRandom random = new SplittableRandom(99);
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 29}, {70, 300, 257}, {5, 513, 4}};
    for (int threads : new int[] {1, 2}) {
      Parallel.setThreads(threads);
      for (int[] s : shapes) {
        for (int t = 0; t < 4; t++) {
          checkDgemm(random, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 1.0, 0.0, 0, 0, false);
          checkDgemm(random, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, -2.0, 0.5, 2, 3, true);
        }
      }
    }
  }

  @Test
  void betaZeroOverwritesNaNAndKZeroScalesC() {
    float[] c = {Float.NaN, Float.NaN, 4f, 8f};
    Gemm.sgemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
    assertEquals(0f, c[0]);
    assertEquals(0f, c[1]);
    Gemm.sgemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 2, 2);
    assertEquals(2f, c[2]);
    assertEquals(4f, c[3]);
    double[] d = {Double.NaN, 3.0};
    Gemm.dgemm(false, false, 1, 2, 1, 0.0, new double[] {1.0}, 0, 1, new double[] {1.0, 1.0}, 0, 2,
        0.0, d, 0, 2);
    assertEquals(0.0, d[0]);
    assertEquals(0.0, d[1]);
  }

  /** Nothing on the plain path may link against jdk.incubator.vector, which it runs without. */
  @Test
  void thePlainKernelsRunWithoutTheVectorModule() throws IOException, InterruptedException {
    JvmWithoutVectorModule.Result child = JvmWithoutVectorModule.run(PlainProducts.class);
    String output = child.output();
    assertEquals(0, child.exitValue(), output);
    assertTrue(output.contains("plain 8.0 8.0"), output);
  }

  /** Run in a JVM without jdk.incubator.vector: a float and a double product, both all ones. */
  static final class PlainProducts {
    public static void main(String[] args) {
      int m = 64;
      int n = 300;
      int k = 8;
      float[] a = new float[m * k];
      float[] b = new float[k * n];
      float[] c = new float[m * n];
      java.util.Arrays.fill(a, 1f);
      java.util.Arrays.fill(b, 1f);
      Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
      double[] ad = new double[m * k];
      double[] bd = new double[k * n];
      double[] cd = new double[m * n];
      java.util.Arrays.fill(ad, 1.0);
      java.util.Arrays.fill(bd, 1.0);
      Gemm.dgemm(false, false, m, n, k, 1.0, ad, 0, k, bd, 0, n, 0.0, cd, 0, n);
      System.out.println(Gemm.kernelName() + " " + c[m * n - 1] + " " + cd[m * n - 1]);
    }
  }

  @Test
  void kernelNameReportsTheVectorKernelWhenTheModuleIsPresent() {
    String expected = VectorApi.isPresent() && !"plain".equals(System.getProperty("kiln.gemm"))
        ? "vector" : "plain";
    assertEquals(expected, Gemm.kernelName());
  }

  @Test
  void badArgumentsAreRejectedUpFront() {
    float[] a = new float[6];
    float[] b = new float[6];
    float[] c = new float[4];
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 1, 3, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, -1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 1, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Gemm.dgemm(true, false, 2, 2, 3, 1.0, new double[5], 0, 2, new double[6], 0, 2,
            0.0, new double[4], 0, 2));
    // A k x m transposed A needs lda >= m, not >= k.
    Gemm.sgemm(true, false, 2, 2, 3, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
  }

  /** Random operands laid out with the given offset and leading-dimension padding, then compared. */
  private static void checkSgemm(boolean vector, SplittableRandom random, int m, int n, int k,
      boolean transA, boolean transB, float alpha, float beta, int offset, int pad,
      boolean nanInC) {
    int aRows = transA ? k : m;
    int aCols = transA ? m : k;
    int bRows = transB ? n : k;
    int bCols = transB ? k : n;
    int lda = aCols + pad;
    int ldb = bCols + pad;
    int ldc = n + pad;
    float[] a = randomFloats(random, offset + aRows * lda);
    float[] b = randomFloats(random, offset + bRows * ldb + 1);
    float[] c = randomFloats(random, offset + m * ldc + 2);
    if (nanInC && beta == 0f) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          c[offset + i * ldc + j] = Float.NaN;
        }
      }
    }
    float[] before = c.clone();
    Gemm.sgemm(vector, transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb,
        beta, c, offset, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        double magnitude = 0;
        for (int p = 0; p < k; p++) {
          double x = transA ? a[offset + p * lda + i] : a[offset + i * lda + p];
          double y = transB ? b[offset + j * ldb + p] : b[offset + p * ldb + j];
          sum += x * y;
          magnitude += Math.abs(x * y);
        }
        int at = offset + i * ldc + j;
        double old = beta == 0f ? 0 : before[at];
        double expected = alpha * sum + beta * old;
        // Worst-case float rounding of a k-term dot product, plus the alpha/beta update.
        double tolerance = (k + 4) * 1.2e-7 * (Math.abs(alpha) * magnitude + Math.abs(beta * old))
            + 1e-6;
        if (!(Math.abs(c[at] - expected) <= tolerance)) {
          fail(String.format("vector=%s m=%d n=%d k=%d tA=%s tB=%s alpha=%s beta=%s offset=%d pad=%d:"
                  + " C[%d,%d] = %s, expected %s", vector, m, n, k, transA, transB, alpha, beta,
              offset, pad, i, j, c[at], expected));
        }
      }
    }
    assertUntouchedOutsideC(before, c, offset, m, n, ldc);
  }

  private static void checkDgemm(SplittableRandom random, int m, int n, int k, boolean transA,
      boolean transB, double alpha, double beta, int offset, int pad, boolean nanInC) {
    int lda = (transA ? m : k) + pad;
    int ldb = (transB ? k : n) + pad;
    int ldc = n + pad;
    double[] a = randomDoubles(random, offset + (transA ? k : m) * lda);
    double[] b = randomDoubles(random, offset + (transB ? n : k) * ldb);
    double[] c = randomDoubles(random, offset + m * ldc);
    if (nanInC && beta == 0.0) {
      java.util.Arrays.fill(c, Double.NaN);
    }
    double[] before = c.clone();
    Gemm.dgemm(transA, transB, m, n, k, alpha, a, offset, lda, b, offset, ldb, beta, c, offset, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          double x = transA ? a[offset + p * lda + i] : a[offset + i * lda + p];
          double y = transB ? b[offset + j * ldb + p] : b[offset + p * ldb + j];
          sum += x * y;
        }
        int at = offset + i * ldc + j;
        double expected = alpha * sum + (beta == 0.0 ? 0.0 : beta * before[at]);
        assertEquals(expected, c[at], 1e-12 * (k + 1) * 4, "C[" + i + "," + j + "]");
      }
    }
  }

  /** Elements of C's array outside the m x n window (padding, offset prefix) must not change. */
  private static void assertUntouchedOutsideC(float[] before, float[] after, int offset, int m,
      int n, int ldc) {
    for (int x = 0; x < after.length; x++) {
      int rel = x - offset;
      boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
      if (!inside) {
        assertFalse(Float.floatToRawIntBits(before[x]) != Float.floatToRawIntBits(after[x]),
            "element " + x + " outside C changed");
      }
    }
  }

  private static float[] randomFloats(SplittableRandom random, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }

  private static double[] randomDoubles(SplittableRandom random, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = random.nextDouble() * 2 - 1;
    }
    return x;
  }
}
