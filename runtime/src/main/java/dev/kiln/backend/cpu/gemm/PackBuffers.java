package dev.kiln.backend.cpu.gemm;

/**
 * Per-thread packing buffers, grown on demand and then reused, so a product allocates nothing in the
 * steady state.
 *
 * <p>The packed B panel (and the plain path's B rows) belong to the thread that called the product;
 * workers only read them while that call lasts. The packed A block, its depth runs, the kernel's
 * output tile and the accumulator rows belong to whichever thread computes.
 */
final class PackBuffers {

  private static final ThreadLocal<PackBuffers> LOCAL = ThreadLocal.withInitial(PackBuffers::new);

  private float[] packedA = new float[0];
  private float[] packedB = new float[0];
  private float[] tile = new float[0];
  /** Made on first use: it links against jdk.incubator.vector, which the plain kernels run without. */
  private DepthRuns depthRuns;
  private double[][] doubleRows = new double[0][];
  private double[] doubleAccumulator = new double[0];
  private float[][] rows = new float[0][];
  private final float[][] accumulators = new float[PlainSgemmKernel.MR][0];

  private PackBuffers() {}

  /** The calling thread's buffers. */
  static PackBuffers local() {
    return LOCAL.get();
  }

  /** A float buffer of at least {@code size} elements for a packed block of A. */
  float[] packedA(int size) {
    if (packedA.length < size) {
      packedA = new float[size];
    }
    return packedA;
  }

  /** A float buffer of at least {@code size} elements for a packed panel of B. */
  float[] packedB(int size) {
    if (packedB.length < size) {
      packedB = new float[size];
    }
    return packedB;
  }

  /** A float buffer of at least {@code size} elements for the micro-kernel's output tile. */
  float[] tile(int size) {
    if (tile.length < size) {
      tile = new float[size];
    }
    return tile;
  }

  /** The depth runs of the block of A this thread computes with. */
  DepthRuns depthRuns() {
    if (depthRuns == null) {
      depthRuns = new DepthRuns();
    }
    return depthRuns;
  }

  /** At least {@code count} row arrays of at least {@code length} floats for a row-packed block of B. */
  float[][] rows(int count, int length) {
    if (rows.length < count || (rows.length > 0 && rows[0].length < length)) {
      rows = new float[count][length];
    }
    return rows;
  }

  /** Accumulator row {@code r} of the plain kernel, at least {@code length} floats. */
  float[] accumulator(int r, int length) {
    if (accumulators[r].length < length) {
      accumulators[r] = new float[length];
    }
    return accumulators[r];
  }

  /** At least {@code count} row arrays of at least {@code length} doubles for dgemm's packed B. */
  double[][] doubleRows(int count, int length) {
    if (doubleRows.length < count || (doubleRows.length > 0 && doubleRows[0].length < length)) {
      doubleRows = new double[count][length];
    }
    return doubleRows;
  }

  /** dgemm's accumulator row, at least {@code length} doubles. */
  double[] doubleAccumulator(int length) {
    if (doubleAccumulator.length < length) {
      doubleAccumulator = new double[length];
    }
    return doubleAccumulator;
  }
}
