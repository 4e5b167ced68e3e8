package dev.kiln.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.backend.cpu.VectorApi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector driver's skipping of depth steps where a micro-panel of A is zero: {@link DepthRuns}
 * against a plain definition of its runs, and products with skipping against the same products
 * without, bit for bit.
 */
class SkipZeroDepthTest {

  private int savedThreads;

  @BeforeEach
  void needVectorApi() {
    assumeTrue(VectorApi.isPresent(), "the vector kernel needs jdk.incubator.vector");
    savedThreads = Parallel.threads();
  }

  @AfterEach
  void restoreThreads() {
    if (savedThreads > 0) {
      Parallel.setThreads(savedThreads);
    }
  }

  // ------------------------------------------------------------------ the runs

  @Test
  void aDensePanelIsOneRunAndAZeroPanelHasNone() {
    int kc = 100;
    float[] dense = new float[4 * kc];
    Arrays.fill(dense, 1f);
    assertEquals(List.of(List.of(0, kc)), runs(dense, 0, kc, kc, 4, kc));
    assertEquals(List.of(), runs(new float[4 * kc], 0, kc, kc, 4, kc));
  }

  @Test
  void gapsShorterThanMinGapStayInsideARunAndLongerOnesSplitIt() {
    int kc = 64;
    int gap = DepthRuns.MIN_GAP;
    float[] a = new float[kc];
    // Live: 3, then a gap one short of MIN_GAP, then 3 + gap, a gap of exactly MIN_GAP, then the rest.
    a[3] = 1f;
    a[3 + gap] = 1f;
    a[3 + 2 * gap + 1] = 2f;
    a[kc - 1] = 3f;
    assertEquals(List.of(List.of(3, 4 + gap), List.of(4 + 2 * gap, 5 + 2 * gap), List.of(kc - 1, kc)),
        runs(a, 0, kc, kc, 1, kc));
  }

  @Test
  void signedZerosAreZeroWhileNaNAndSubnormalsAreLive() {
    int kc = 40;
    float[] a = new float[2 * kc];
    Arrays.fill(a, -0f);
    a[5] = Float.NaN;
    a[kc + 20] = Float.MIN_VALUE;
    a[kc + 35] = -Float.MIN_VALUE;
    assertEquals(List.of(List.of(5, 6), List.of(20, 21), List.of(35, 36)),
        runs(a, 0, kc, kc, 2, kc));
  }

  /** Random patterns of every density, stretches of zeros crossing vector boundaries, all row counts. */
  @Test
  void runsMatchTheirDefinitionOnRandomPatterns() {
    SplittableRandom random = new SplittableRandom(17);
    int[] depths = {1, 7, 15, 16, 17, 33, 100, 392, 512};
    double[] densities = {0, 0.01, 0.1, 0.3, 0.6, 0.9, 0.99, 1};
    for (int kc : depths) {
      for (int mr = 1; mr <= 4; mr++) {
        for (double density : densities) {
          for (boolean stretches : new boolean[] {false, true}) {
            int rowStride = kc + 3;
            int panels = 3;
            int offset = 5;
            float[] a = new float[offset + panels * mr * rowStride];
            fill(random, a, offset, panels * mr, rowStride, kc, density, stretches);
            DepthRuns found = new DepthRuns();
            // Two calls, as the driver makes for panels read in place and panels packed.
            found.find(a, offset, mr * rowStride, rowStride, mr, kc, 0, 1);
            found.find(a, offset, mr * rowStride, rowStride, mr, kc, 1, panels);
            for (int q = 0; q < panels; q++) {
              String where = "kc=" + kc + " mr=" + mr + " density=" + density + " stretches="
                  + stretches + " panel " + q;
              assertEquals(expectedRuns(a, offset + q * mr * rowStride, rowStride, mr, kc),
                  listOf(found, q), where);
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ the products

  /**
   * Shapes the driver searches, whatever the vector width: packed A (five strips), A read in place
   * (four strips), ragged last micro-panels, depth crossing the kc blocks (784 as two blocks, 1100 as
   * three). On two threads each thread takes a share of the rows and all the strips.
   */
  private static int[][] searchedShapes() {
    int nr = VectorSgemmKernel.INSTANCE.nr();
    return new int[][] {{64, 5 * nr - 20, 784}, {130, 4 * nr - 8, 784}, {45, 5 * nr - 4, 1100}};
  }

  /** The searched shapes, and two the driver does not search (too shallow, too few strips). */
  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void skippingGivesTheSameBitsAsRunningEveryStep(int threads) {
    Parallel.setThreads(threads);
    SplittableRandom random = new SplittableRandom(threads);
    int nr = VectorSgemmKernel.INSTANCE.nr();
    List<int[]> shapes = new ArrayList<>(List.of(searchedShapes()));
    shapes.add(new int[] {256, 4 * nr, 100});
    shapes.add(new int[] {7, 2 * nr + 1, 600});
    double[] densities = {0, 0.05, 0.4, 0.9, 1};
    for (int[] s : shapes) {
      for (double density : densities) {
        for (boolean stretches : new boolean[] {false, true}) {
          for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
              compareWithEveryStep(random, s[0], s[1], s[2], transA, transB, density, stretches);
            }
          }
        }
      }
    }
  }

  /**
   * Proof that the search runs where it is meant to: an infinity in B inside a stretch where every
   * row of A is zero leaves C finite with skipping, and makes its column NaN without.
   */
  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void theSearchRunsOnEveryShapeItIsMeantFor(int threads) {
    Parallel.setThreads(threads);
    SplittableRandom random = new SplittableRandom(5);
    for (int[] s : searchedShapes()) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      int blank = k / 2;
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          float[] a = new float[m * k];
          for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
              boolean zero = Math.abs(p - blank) < 20;
              a[transA ? p * m + i : i * k + p] = zero ? 0f : (float) random.nextDouble();
            }
          }
          float[] b = new float[k * n];
          for (int x = 0; x < b.length; x++) {
            b[x] = (float) random.nextDouble();
          }
          b[transB ? 3 * k + blank : blank * n + 3] = Float.POSITIVE_INFINITY;
          int lda = transA ? m : k;
          int ldb = transB ? k : n;
          float[] skipped = new float[m * n];
          float[] everyStep = new float[m * n];
          SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, transA, transB, m, n, k, 1f, a, 0,
              lda, b, 0, ldb, 0f, skipped, 0, n);
          SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, false, transA, transB, m, n, k, 1f, a, 0,
              lda, b, 0, ldb, 0f, everyStep, 0, n);
          for (int i = 0; i < m; i++) {
            String where = m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB
                + " row " + i;
            assertTrue(Float.isFinite(skipped[i * n + 3]), where);
            assertTrue(Float.isNaN(everyStep[i * n + 3]), where);
          }
        }
      }
    }
  }

  @Test
  void aZeroPanelLeavesBetaTimesC() {
    int m = 8;
    int n = 256;
    int k = 300;
    // On two threads with 512-bit vectors, each would take two of the four strips and not search.
    Parallel.setThreads(1);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    Arrays.fill(b, 1f);
    Arrays.fill(a, 4 * k, m * k, 1f); // rows 4..7 live: panel 1; panel 0 all zero
    float[] c = new float[m * n];
    Arrays.fill(c, 2f);
    SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, false, false, m, n, k, 1f, a, 0, k, b, 0,
        n, 0.5f, c, 0, n);
    for (int j = 0; j < n; j++) {
      assertEquals(1f, c[j], "zero panel: beta * C");
      assertEquals(1f + k, c[4 * n + j], "live panel: A B + beta * C");
    }
    // beta == 0 overwrites C, NaN included, also where the panel is zero.
    Arrays.fill(c, Float.NaN);
    SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, false, false, m, n, k, 1f, a, 0, k, b, 0,
        n, 0f, c, 0, n);
    assertEquals(0f, c[0]);
    assertEquals(k, c[4 * n]);
  }

  /**
   * What skipping gives up, as DepthRuns documents: an infinity in B that meets only zeros of a panel
   * no longer makes that panel's rows NaN; where A is nonzero, or NaN, it still propagates.
   */
  @Test
  void anInfinityInBMeetingOnlyZerosOfAPanelDoesNotReachItsRows() {
    int m = 8;
    int n = 256;
    int k = SgemmDriver.SKIP_ZEROS_MIN_DEPTH;
    Parallel.setThreads(1);
    SplittableRandom random = new SplittableRandom(3);
    float[] a = new float[m * k];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        a[i * k + p] = p >= 20 && p < 40 ? 0f : (float) random.nextDouble();
      }
    }
    a[5 * k + 30] = 1f; // panel 1 is live at depth 30
    a[6 * k + 25] = Float.NaN; // and NaN at depth 25
    float[] b = new float[k * n];
    for (int x = 0; x < b.length; x++) {
      b[x] = (float) random.nextDouble();
    }
    b[30 * n + 7] = Float.POSITIVE_INFINITY;
    float[] c = new float[m * n];
    SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, false, false, m, n, k, 1f, a, 0, k, b, 0,
        n, 0f, c, 0, n);
    for (int i = 0; i < 4; i++) {
      assertTrue(Float.isFinite(c[i * n + 7]), "panel 0 is zero at depth 30: row " + i);
    }
    assertEquals(Float.NaN, c[4 * n + 7], "0 * inf in a live panel");
    assertEquals(Float.POSITIVE_INFINITY, c[5 * n + 7]);
    for (int j = 0; j < n; j++) {
      assertEquals(Float.NaN, c[6 * n + j], "NaN in A is never skipped: column " + j);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static void compareWithEveryStep(SplittableRandom random, int m, int n, int k,
      boolean transA, boolean transB, double density, boolean stretches) {
    int lda = (transA ? m : k) + 2;
    int ldb = (transB ? k : n) + 1;
    int ldc = n + 3;
    float[] a = new float[(transA ? k : m) * lda];
    // Zeros along depth: per row of op(A), so the same pattern whichever way A is stored.
    float[] rows = new float[m * k];
    fill(random, rows, 0, m, k, k, density, stretches);
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        a[transA ? p * lda + i : i * lda + p] = rows[i * k + p];
      }
    }
    float[] b = new float[(transB ? n : k) * ldb];
    for (int x = 0; x < b.length; x++) {
      b[x] = (float) (random.nextDouble() * 2 - 1);
    }
    float[] c0 = new float[m * ldc];
    for (int x = 0; x < c0.length; x++) {
      c0[x] = (float) random.nextDouble();
    }
    float[] skipped = c0.clone();
    float[] everyStep = c0.clone();
    SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, true, transA, transB, m, n, k, 0.5f, a, 0, lda,
        b, 0, ldb, 0.25f, skipped, 0, ldc);
    SgemmDriver.multiply(VectorSgemmKernel.INSTANCE, false, transA, transB, m, n, k, 0.5f, a, 0, lda,
        b, 0, ldb, 0.25f, everyStep, 0, ldc);
    assertArrayEquals(everyStep, skipped, m + "x" + n + "x" + k + " transA=" + transA + " transB="
        + transB + " density=" + density + " stretches=" + stretches);
  }

  /**
   * Fills rows [0, rows) (row r at offset + r*stride, depth steps [0, kc)) with nonzero values at the
   * given density: independently per element, or in stretches of up to 40 steps, like the blank
   * borders and strokes of an image.
   */
  private static void fill(SplittableRandom random, float[] a, int offset, int rows, int stride,
      int kc, double density, boolean stretches) {
    for (int r = 0; r < rows; r++) {
      boolean live = random.nextDouble() < density;
      int left = 0;
      for (int p = 0; p < kc; p++) {
        if (!stretches) {
          live = random.nextDouble() < density;
        } else if (left-- <= 0) {
          live = random.nextDouble() < density;
          left = random.nextInt(40);
        }
        a[offset + r * stride + p] = live ? (float) (random.nextDouble() + 0.5) : 0f;
      }
    }
  }

  /** Runs by their definition: live steps, split where MIN_GAP or more zero steps lie between. */
  private static List<List<Integer>> expectedRuns(float[] a, int row, int stride, int mr, int kc) {
    List<Integer> live = new ArrayList<>();
    for (int p = 0; p < kc; p++) {
      for (int r = 0; r < mr; r++) {
        float v = a[row + r * stride + p];
        if (v != 0f || Float.isNaN(v)) {
          live.add(p);
          break;
        }
      }
    }
    List<List<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      int start = live.get(i);
      while (i + 1 < live.size() && live.get(i + 1) - live.get(i) - 1 < DepthRuns.MIN_GAP) {
        i++;
      }
      runs.add(List.of(start, live.get(i) + 1));
    }
    return runs;
  }

  private static List<List<Integer>> runs(float[] a, int offset, int stride, int rowStride, int mr,
      int kc) {
    DepthRuns found = new DepthRuns();
    found.find(a, offset, stride * mr, rowStride, mr, kc, 0, 1);
    return listOf(found, 0);
  }

  private static List<List<Integer>> listOf(DepthRuns found, int q) {
    List<List<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < found.count(q); i++) {
      runs.add(List.of(found.start(q, i), found.end(q, i)));
    }
    return runs;
  }
}
