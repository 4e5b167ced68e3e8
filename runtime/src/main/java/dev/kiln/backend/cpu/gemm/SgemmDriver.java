package dev.kiln.backend.cpu.gemm;

import dev.kiln.backend.cpu.Parallel;
import java.util.Arrays;

/**
 * The cache-blocked loop nest around a float micro-kernel (the Goto/BLIS scheme), and its split over
 * the worker threads.
 *
 * <p>For each panel of B (kc x nc, kept in L3) the threads first pack it together, then each thread
 * takes a contiguous share of the rows of C, packs its rows of A block by block (mc x kc, kept in L2)
 * and sweeps the strips of B (kc x nr, streamed from L2) past each micro-panel of A. Splitting the
 * rows means no packed A block is ever packed twice; when C has too few rows to share, the threads
 * share the strips of B instead.
 *
 * <p>Narrow products, common in training, skip the copies that would not pay for themselves: when C
 * has only a few rows, a row-major B is read in place instead of packed, and when it has only a few
 * columns (up to four strips), so does a row-major A, since each would be reused too little to repay
 * the copy.
 *
 * <p>Before a micro-panel of A meets the strips of B, the driver finds the stretches of depth where it
 * has a nonzero value ({@link DepthRuns}) and the kernel runs over those only: an input layer's
 * panels are mostly blank pixels.
 */
final class SgemmDriver {

  /**
   * Products smaller than this (about 10 us on one core) run on the calling thread only. A split
   * rarely loses, because the caller takes every chunk a worker has not started, but waking a parked
   * worker costs the caller a few microseconds, which only pays off from here up: with two threads
   * the W1 layers of 1.8 Mflop and more ran 1.6-1.9x faster, those of 0.1-0.5 Mflop anywhere from
   * 1.5x faster to 2x slower depending on whether the worker was awake.
   */
  static final long PARALLEL_MIN_FLOPS = 1_000_000L;

  /**
   * Up to this many rows of C, a row-major B is read in place rather than packed: each strip of B then
   * serves at most eight micro-panels, too few to repay copying it (W2's last weight gradient, m = 10,
   * ran 1.36x faster, W3's conv2 forward, m = 32, 1.13x).
   */
  static final int DIRECT_B_MAX_ROWS = 32;

  /**
   * Up to this many strips of B, a row-major A is read in place rather than packed: each micro-panel
   * of A then meets at most four strips, and packing it cost more than it saved (W3's conv2 weight
   * gradient, 144 x 32 x 196, spent 40% of its time packing A and ran 1.34x faster without; W1's
   * first layer, four strips, 1.1x). The kernel's broadcasts of A read four rows in step either way.
   */
  static final int DIRECT_A_MAX_STRIPS = 4;

  /**
   * From this depth of a block and this many strips of B per thread, the driver finds each
   * micro-panel's runs of nonzero depth (see {@link DepthRuns}) and skips the rest. Shallower blocks
   * gain little (short stretches, a kernel call per run) and cost the search: W3's convolutions (depth
   * 9 to 144, about a thousand products a step) ran 4% slower with every product searched.
   */
  static final int SKIP_ZEROS_MIN_DEPTH = 256;

  /**
   * The search costs a panel about one cycle per depth step and the kernel sixteen per step and strip,
   * so on a dense operand it would be 3% of a two-strip product (W3's first dense layer), and from
   * four strips it is under 2%.
   */
  static final int SKIP_ZEROS_MIN_STRIPS = 4;

  /** A per-item cost so large that Parallel always splits the items over every thread. */
  private static final long SPLIT_ALWAYS = Long.MAX_VALUE;

  private SgemmDriver() {}

  /**
   * C = alpha * op(A) * op(B) + beta * C for m, n, k > 0; the arguments are already validated. With
   * {@code skipZeroDepth} the micro-kernel skips the depth steps where a micro-panel of A is zero
   * (see {@link DepthRuns}); without, it runs every step, as the reference for that.
   */
  static void multiply(SgemmKernel kernel, boolean skipZeroDepth, boolean transA, boolean transB,
      int m, int n, int k, float alpha, float[] a, int aOffset, int lda, float[] b, int bOffset,
      int ldb, float beta, float[] c, int cOffset, int ldc) {
    boolean parallel = Parallel.threads() > 1 && 2L * m * n * k >= PARALLEL_MIN_FLOPS;
    boolean directB = !transB && m <= DIRECT_B_MAX_ROWS;
    boolean directA = !transA && (n + kernel.nr() - 1) / kernel.nr() <= DIRECT_A_MAX_STRIPS;
    int kcStep = balancedStep(k, kernel.kc(), 1);
    int ncStep = balancedStep(n, kernel.nc(), kernel.nr());
    PackBuffers callerBuffers = PackBuffers.local();
    for (int jc = 0; jc < n; jc += ncStep) {
      int nc = Math.min(ncStep, n - jc);
      Strips strips = new Strips(nc, kernel.nr(), kernel.widthAlign());
      // Only the last strip can be ragged; read in place, the others need no packed copy.
      int packFrom = directB ? strips.count() - 1 : 0;
      if (directB && strips.width(packFrom) == nc - strips.start(packFrom)) {
        packFrom = strips.count();
      }
      for (int pc = 0; pc < k; pc += kcStep) {
        int kc = Math.min(kcStep, k - pc);
        float[] packedB = callerBuffers.packedB(strips.totalWidth() * kc);
        BSource source = directB
            ? new BSource(b, bOffset + pc * ldb + jc, ldb, packFrom, packedB)
            : new BSource(null, 0, 0, 0, packedB);
        Block block = new Block(kernel, transA, a, aOffset, lda, m, jc, nc, strips, pc, kc,
            alpha, pc == 0 ? beta : 1f, c, cOffset, ldc, directA, source, skipZeroDepth);
        int col0 = jc;
        int depth0 = pc;
        int first = packFrom;
        int packed = strips.count() - packFrom;
        split(parallel && packed > 1, packed, (s0, s1) -> Packing.packB(transB,
            b, bOffset, ldb, depth0, kc, col0, nc, strips, first + s0, first + s1, packedB));
        block.computeShared(parallel);
      }
    }
  }

  /**
   * Where the strips of B come from: strips before {@code packFrom} straight from a row-major B
   * ({@code array}, strip s at {@code offset + start(s)} with row stride {@code ld}), the rest from
   * the packed panel.
   */
  private record BSource(float[] array, int offset, int ld, int packFrom, float[] packed) {}

  /**
   * The block size for cutting {@code extent} into the fewest blocks of at most {@code max}, made as
   * equal as possible (a multiple of {@code unit}): k = 784 with KC = 512 gives two blocks of 392
   * rather than 512 + 272, so no block is left with a short, poorly amortized depth.
   */
  static int balancedStep(int extent, int max, int unit) {
    int blocks = (extent + max - 1) / max;
    int step = (extent + blocks - 1) / blocks;
    return (step + unit - 1) / unit * unit;
  }

  private static void split(boolean parallel, int items, Parallel.RangeBody body) {
    if (parallel) {
      Parallel.forRange(items, SPLIT_ALWAYS, body);
    } else {
      body.run(0, items);
    }
  }

  /** One packed panel of B (depth kc, columns nc) applied to all rows of C. */
  private static final class Block {
    private final SgemmKernel kernel;
    private final boolean transA;
    private final float[] a;
    private final int aOffset;
    private final int lda;
    private final int m;
    private final int jc;
    private final int nc;
    private final Strips strips;
    private final int pc;
    private final int kc;
    private final float alpha;
    private final float beta;
    private final float[] c;
    private final int cOffset;
    private final int ldc;
    private final boolean directA;
    private final BSource source;
    private final boolean skipZeroDepth;

    Block(SgemmKernel kernel, boolean transA, float[] a, int aOffset, int lda, int m, int jc, int nc,
        Strips strips, int pc, int kc, float alpha, float beta, float[] c, int cOffset, int ldc,
        boolean directA, BSource source, boolean skipZeroDepth) {
      this.kernel = kernel;
      this.transA = transA;
      this.a = a;
      this.aOffset = aOffset;
      this.lda = lda;
      this.m = m;
      this.jc = jc;
      this.nc = nc;
      this.strips = strips;
      this.pc = pc;
      this.kc = kc;
      this.alpha = alpha;
      this.beta = beta;
      this.c = c;
      this.cOffset = cOffset;
      this.ldc = ldc;
      this.directA = directA;
      this.source = source;
      this.skipZeroDepth = skipZeroDepth;
    }

    /** Computes the block, sharing rows (or, for short C, strips) among the threads. */
    void computeShared(boolean parallel) {
      int mr = kernel.mr();
      int panels = (m + mr - 1) / mr;
      int count = strips.count();
      int threads = Parallel.threads();
      if (!parallel) {
        compute(0, m, 0, count);
      } else if (panels >= 2 * threads || panels >= count) {
        split(true, panels, (q0, q1) -> compute(q0 * mr, Math.min(m, q1 * mr), 0, count));
      } else {
        split(true, count, (s0, s1) -> compute(0, m, s0, s1));
      }
    }

    /** Rows [row0, row1) of C against strips [s0, s1) of the B panel. */
    private void compute(int row0, int row1, int s0, int s1) {
      int mr = kernel.mr();
      int mcStep = balancedStep(row1 - row0, kernel.mc(), mr);
      PackBuffers buffers = PackBuffers.local();
      for (int ic = row0; ic < row1; ic += mcStep) {
        int mc = Math.min(mcStep, row1 - ic);
        // Read in place, full micro-panels need no copy; a ragged last one is packed (zero-padded).
        int fullRows = directA ? mc / mr * mr : 0;
        float[] packedA = buffers.packedA(((mc - fullRows + mr - 1) / mr) * mr * kc);
        if (fullRows < mc) {
          Packing.packA(transA, a, aOffset, lda, ic + fullRows, mc - fullRows, pc, kc, mr, packedA);
        }
        int panels = (mc + mr - 1) / mr;
        int directPanels = fullRows / mr;
        DepthRuns runs = null;
        if (skipZeroDepth && kc >= SKIP_ZEROS_MIN_DEPTH && s1 - s0 >= SKIP_ZEROS_MIN_STRIPS) {
          runs = buffers.depthRuns();
          runs.find(a, aOffset + ic * lda + pc, mr * lda, lda, mr, kc, 0, directPanels);
          // Packed panel q starts at (q - directPanels) * mr * kc.
          runs.find(packedA, -directPanels * mr * kc, mr * kc, kc, mr, kc, directPanels, panels);
        }
        for (int s = s0; s < s1; s++) {
          int first = strips.start(s);
          int width = strips.width(s);
          int cols = Math.min(width, nc - first);
          boolean inPlace = s < source.packFrom();
          float[] bArray = inPlace ? source.array() : source.packed();
          int bBase = inPlace ? source.offset() + first : first * kc;
          int bStride = inPlace ? source.ld() : width;
          int cCol = cOffset + jc + first;
          float[] tile = buffers.tile(mr * width);
          for (int q = 0; q < panels; q++) {
            boolean direct = q < directPanels;
            float[] aArray = direct ? a : packedA;
            int aBase = direct ? aOffset + (ic + q * mr) * lda + pc : (q - directPanels) * mr * kc;
            int aStride = direct ? lda : kc;
            if (runs == null) {
              kernel.multiply(kc, aArray, aBase, aStride, bArray, bBase, bStride, width, tile, false);
            } else {
              multiplyRuns(runs, q, aArray, aBase, aStride, bArray, bBase, bStride, width, tile);
            }
            kernel.store(tile, width, Math.min(mr, mc - q * mr), cols, alpha, beta, c,
                cCol + (ic + q * mr) * ldc, ldc);
          }
        }
      }
    }

    /** The tile of micro-panel q over its depth runs only; all zero when the panel has none. */
    private void multiplyRuns(DepthRuns runs, int q, float[] ap, int aBase, int aStride,
        float[] bp, int bBase, int bStride, int width, float[] tile) {
      int count = runs.count(q);
      if (count == 0) {
        Arrays.fill(tile, 0, kernel.mr() * width, 0f);
      }
      for (int i = 0; i < count; i++) {
        int p0 = runs.start(q, i);
        kernel.multiply(runs.end(q, i) - p0, ap, aBase + p0, aStride, bp, bBase + p0 * bStride,
            bStride, width, tile, i > 0);
      }
    }
  }
}
