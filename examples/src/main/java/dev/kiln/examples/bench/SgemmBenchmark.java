package dev.kiln.examples.bench;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.backend.cpu.gemm.Gemm;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Workload W4: float32 matrix multiply throughput of the CPU backend, for square sizes and for the
 * layer shapes of the W1 MLP (784-200-100-70-30-10, batch 128), forward and backward.
 *
 * <p>Each figure is the median over rounds of 2*m*n*k flops per call divided by the wall time of the
 * calls in that round, after a warm-up long enough for the JIT to compile the kernels. The kernel
 * (vector or plain) is whatever {@link Gemm#kernelName()} reports for this JVM; run with
 * {@code -Dkiln.gemm=plain} or without {@code --add-modules jdk.incubator.vector} for the plain one.
 */
public final class SgemmBenchmark {

  /** Minimum wall time of one timed round: long enough to average out timer and scheduling noise. */
  private static final long ROUND_NANOS = 300_000_000L;

  /** Warm-up before the first measurement: C2 needs a few thousand kernel calls to settle. */
  private static final long WARMUP_NANOS = 2_000_000_000L;

  /** Warm-up for each further shape, once the kernels are compiled. */
  private static final long SHAPE_WARMUP_NANOS = 300_000_000L;

  /** The W1 layer widths, input first. */
  private static final int[] W1_WIDTHS = {784, 200, 100, 70, 30, 10};

  /** The W1 batch size. */
  private static final int W1_BATCH = 128;

  private SgemmBenchmark() {}

  /** Prints one RESULT line per square size n: GFLOP/s of C = A * B with n x n operands. */
  public static void run(PrintStream out, int threads, int[] sizes, int rounds) {
    int saved = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      boolean first = true;
      for (int n : sizes) {
        Result r = measure(n, n, n, false, false, rounds, first ? WARMUP_NANOS : SHAPE_WARMUP_NANOS);
        first = false;
        out.println(String.format(Locale.ROOT,
            "RESULT framework=kiln workload=W4 n=%d threads=%d gflops=%.1f kernel=%s",
            n, threads, r.gflops, Gemm.kernelName()));
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * Prints one RESULT line per W1 layer product: the forward X*W (m=128, k=in, n=out, NN), the weight
   * gradient X^T*dY (m=in, k=128, n=out, TN) and the input gradient dY*W^T (m=128, k=out, n=in, NT).
   */
  public static void runLayerShapes(PrintStream out, int threads, int rounds) {
    int saved = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      boolean first = true;
      for (int layer = 0; layer + 1 < W1_WIDTHS.length; layer++) {
        int in = W1_WIDTHS[layer];
        int outWidth = W1_WIDTHS[layer + 1];
        int[][] products = {
            {W1_BATCH, in, outWidth, 0, 0},  // forward: X (128 x in) * W (in x out)
            {in, W1_BATCH, outWidth, 1, 0},  // weight gradient: X^T * dY
            {W1_BATCH, outWidth, in, 0, 1},  // input gradient: dY * W^T
        };
        for (int[] p : products) {
          int m = p[0];
          int k = p[1];
          int n = p[2];
          boolean transA = p[3] == 1;
          boolean transB = p[4] == 1;
          Result r = measure(m, n, k, transA, transB, rounds,
              first ? WARMUP_NANOS : SHAPE_WARMUP_NANOS);
          first = false;
          out.println(String.format(Locale.ROOT,
              "RESULT framework=kiln workload=W4-shapes m=%d k=%d n=%d trans=%s threads=%d"
                  + " gflops=%.2f us_per_call=%.2f kernel=%s",
              m, k, n, (transA ? "T" : "N") + (transB ? "T" : "N"), threads, r.gflops,
              r.microsPerCall, Gemm.kernelName()));
        }
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /**
   * Runs the benchmark from the command line: {@code [threads] [rounds] [sizes...]}, defaulting to
   * all processors, 3 rounds and sizes 256 512 1024 2048, then the W1 layer shapes.
   */
  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : Parallel.threads();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int[] sizes = args.length > 2
        ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {256, 512, 1024, 2048};
    run(System.out, threads, sizes, rounds);
    runLayerShapes(System.out, threads, rounds);
  }

  /** Median GFLOP/s and time per call of one product shape. */
  private static Result measure(int m, int n, int k, boolean transA, boolean transB, int rounds,
      long warmupNanos) {
    SplittableRandom random = new SplittableRandom(m * 31L + n * 17L + k);
    float[] a = randomFloats(random, m * k);
    float[] b = randomFloats(random, k * n);
    float[] c = new float[m * n];
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    long warmupEnd = System.nanoTime() + warmupNanos;
    while (System.nanoTime() < warmupEnd) {
      Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }
    double flops = 2.0 * m * n * k;
    double[] gflops = new double[Math.max(1, rounds)];
    double[] micros = new double[gflops.length];
    for (int r = 0; r < gflops.length; r++) {
      long start = System.nanoTime();
      long calls = 0;
      long elapsed;
      do {
        Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        calls++;
        elapsed = System.nanoTime() - start;
      } while (elapsed < ROUND_NANOS || calls < 2);
      gflops[r] = flops * calls / elapsed;
      micros[r] = elapsed / 1e3 / calls;
    }
    return new Result(median(gflops), median(micros));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static float[] randomFloats(SplittableRandom random, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }

  /** One shape's median throughput and latency. */
  private static final class Result {
    final double gflops;
    final double microsPerCall;

    Result(double gflops, double microsPerCall) {
      this.gflops = gflops;
      this.microsPerCall = microsPerCall;
    }
  }
}
