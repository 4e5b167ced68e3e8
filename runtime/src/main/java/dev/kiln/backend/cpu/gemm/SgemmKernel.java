package dev.kiln.backend.cpu.gemm;

/**
 * A register-blocked float micro-kernel together with the cache-blocking sizes that suit it.
 *
 * <p>The kernel multiplies one micro-panel of A ({@link #mr()} rows: element (r, p) at
 * {@code ap[aOff + r*aRowStride + p]}) by one strip of B ({@code width} columns, row after row:
 * element (p, j) at {@code bp[bOff + p*bStride + j]}) into a small tile buffer. A packed micro-panel
 * has {@code aRowStride == kc} and a packed strip {@code bStride == width}; operands read in place
 * from row-major arrays have {@code aRowStride == lda} and {@code bStride == ldb}.
 *
 * <p>Returning the raw tile rather than updating C in place keeps alpha, beta and the address of C out
 * of the kernel's loop: every vector register then goes to accumulators and operands (JDK 17's C2
 * otherwise spills an accumulator to the stack on every depth step), and ragged edges need no
 * special case in the kernel.
 */
interface SgemmKernel {

  /** Rows of a micro-panel of A (rows of the register tile). */
  int mr();

  /** Widest strip of B (columns of the register tile); strips are at most this wide. */
  int nr();

  /** The width of a packed strip is rounded up to a multiple of this (the vector length). */
  int widthAlign();

  /** Depth of a packed block (the k extent kept in cache while a block of C is updated). */
  int kc();

  /** Rows of A packed at a time (sized so the packed block of A stays in the L2 cache). */
  int mc();

  /** Columns of B packed at a time (the packed panel of B lives in the L3 cache). */
  int nc();

  /**
   * Computes the raw product tile {@code tile[r*width + j] = sum_p Ap[r, p] * Bp[p, j]} for the full
   * mr x width tile, or with {@code accumulate} adds that sum to the tile's values (the driver runs a
   * panel's depth in several stretches when it skips steps where A is zero, see {@link DepthRuns});
   * the driver applies alpha and beta when it writes the tile into C.
   */
  void multiply(int kc, float[] ap, int aOff, int aRowStride, float[] bp, int bOff, int bStride,
      int width, float[] tile, boolean accumulate);

  /**
   * Writes {@code C[r, j] = alpha * tile[r*width + j] + beta * C[r, j]} for r < rows, j < cols into
   * {@code c[cOff + r*ldc + j]}; beta == 0 overwrites C without reading it (it may hold NaN).
   */
  void store(float[] tile, int width, int rows, int cols, float alpha, float beta, float[] c,
      int cOff, int ldc);
}
