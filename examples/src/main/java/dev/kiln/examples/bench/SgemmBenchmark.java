package dev.kiln.examples.bench;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.backend.cpu.gemm.Gemm;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Workload W4: float32 matrix multiply throughput of the CPU backend, for square sizes and for the
 * products of the training workloads W1, W2 and W3 (forward and backward), with the transposes
 * their ops pass.
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

  /** The W2 layer widths, input first. */
  private static final int[] W2_WIDTHS = {784, 1024, 1024, 10};

  /** The W2 batch size. */
  private static final int W2_BATCH = 256;

  /** The widths of W3's dense head (after the convolutions), input first. */
  private static final int[] W3_DENSE_WIDTHS = {1568, 128, 64, 10};

  /** The W3 batch size. */
  private static final int W3_BATCH = 128;

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
   * Prints one RESULT line per matrix product of the training workloads, with the shapes and
   * transposes their ops pass to GEMM: for each dense layer of W1 (784-200-100-70-30-10, batch 128),
   * W2 (784-1024-1024-10, batch 256) and W3's dense head (1568-128-64-10, batch 128), the forward
   * {@code x W^T} (NT: m=batch, k=in, n=out), the weight gradient {@code g^T x} (TN: m=out, k=batch,
   * n=in) and, past the first layer, the input gradient {@code g W} (NN: m=batch, k=out, n=in); then
   * W3's per-image convolution products, timed on one thread because ConvKernels calls them from
   * inside its own loop over the batch.
   */
  public static void runLayerShapes(PrintStream out, int threads, int rounds) {
    int saved = Parallel.threads();
    try {
      boolean first = true;
      for (Shape shape : shapes()) {
        int t = shape.singleThread ? 1 : threads;
        Parallel.setThreads(t);
        Result r = measure(shape.m, shape.n, shape.k, shape.transA, shape.transB, rounds,
            first ? WARMUP_NANOS : SHAPE_WARMUP_NANOS);
        first = false;
        out.println(String.format(Locale.ROOT,
            "RESULT framework=kiln workload=W4-shapes product=%s m=%d k=%d n=%d trans=%s threads=%d"
                + " gflops=%.2f us_per_call=%.2f kernel=%s",
            shape.label, shape.m, shape.k, shape.n,
            (shape.transA ? "T" : "N") + (shape.transB ? "T" : "N"), t, r.gflops,
            r.microsPerCall, Gemm.kernelName()));
      }
    } finally {
      Parallel.setThreads(saved);
    }
  }

  /** The products of W1, W2 and W3, in the order of a training step's layers. */
  private static List<Shape> shapes() {
    List<Shape> shapes = new ArrayList<>();
    addDense(shapes, "W1", W1_WIDTHS, W1_BATCH);
    addDense(shapes, "W2", W2_WIDTHS, W2_BATCH);
    addDense(shapes, "W3", W3_DENSE_WIDTHS, W3_BATCH);
    // conv2 (16 -> 32 channels, 3x3, on 14 x 14): weights [32, 144], unfolded input [144, 196].
    shapes.add(new Shape("W3.conv2.fwd", 32, 144, 196, false, false, true));
    shapes.add(new Shape("W3.conv2.gradX", 144, 32, 196, true, false, true));
    shapes.add(new Shape("W3.conv2.gradW", 144, 196, 32, false, true, true));
    // conv1 (1 -> 16 channels, 3x3, on 28 x 28): weights [16, 9], unfolded input [9, 784].
    shapes.add(new Shape("W3.conv1.fwd", 16, 9, 784, false, false, true));
    shapes.add(new Shape("W3.conv1.gradW", 9, 784, 16, false, true, true));
    // conv2's weight gradient over the whole batch in one product, gOut [32, 128*196] x cols^T.
    shapes.add(new Shape("W3.conv2.gradW.batch", 32, W3_BATCH * 196, 144, false, true, false));
    return shapes;
  }

  private static void addDense(List<Shape> shapes, String workload, int[] widths, int batch) {
    for (int layer = 0; layer + 1 < widths.length; layer++) {
      int in = widths[layer];
      int out = widths[layer + 1];
      String name = workload + ".fc" + (layer + 1);
      shapes.add(new Shape(name + ".fwd", batch, in, out, false, true, false));
      shapes.add(new Shape(name + ".gradW", out, batch, in, true, false, false));
      if (layer > 0) {
        // The first layer's input is data, which needs no gradient.
        shapes.add(new Shape(name + ".gradX", batch, out, in, false, false, false));
      }
    }
  }

  /**
   * Runs the benchmark from the command line: {@code [threads] [rounds] [sizes...]}, defaulting to
   * all processors, 3 rounds and sizes 256 512 1024 2048, then the products of W1, W2 and W3.
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

  /** One product as an op calls GEMM: C (m x n) = op(A) (m x k) * op(B) (k x n). */
  private record Shape(String label, int m, int k, int n, boolean transA, boolean transB,
      boolean singleThread) {}

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
