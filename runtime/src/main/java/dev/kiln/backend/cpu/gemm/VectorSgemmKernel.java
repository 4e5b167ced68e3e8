package dev.kiln.backend.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float micro-kernel on the Vector API: a 4-row by 4-vector register tile updated with fma.
 *
 * <p>With 512-bit vectors the 16 accumulators, 4 B vectors and the broadcast A values fit in the 32
 * vector registers, and each depth step issues 16 fma against only 4 vector loads and 4 scalar
 * broadcasts, which keeps the fma unit busy rather than the load ports (98% of this machine's fma
 * peak on a strip in L2). Narrower strips (see {@link Strips}) use the 3-, 2- and 1-vector variants.
 * The loop only accumulates; the tile goes to a small buffer and {@link #store} applies alpha and
 * beta, which keeps C's address and the scalars out of the loop's registers.
 *
 * <p>A's rows and B's rows are read through strides, so the same loop serves packed operands and
 * operands read in place (see {@link SgemmDriver}).
 *
 * <p>Blocking: KC = 512 keeps a packed micro-panel of A (4 x 512 floats, 8 KiB) in L1 and a strip of
 * B (512 x 64 floats, 128 KiB) in L2; MC = 192 makes the packed A block 384 KiB, which fits L2 next to
 * the strip; NC = 2048 makes the packed panel of B 4 MiB, well inside L3 while being reused for every
 * row of C. The driver evens the blocks out (k = 784 runs as two blocks of 392).
 *
 * <p>This class links against jdk.incubator.vector; {@link Gemm} only loads it when that module is
 * in the boot layer.
 */
final class VectorSgemmKernel implements SgemmKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  private static final int MR = 4;
  /**
   * Vectors per tile row: 4 with 512-bit vectors (32 registers); 2 with narrower ones, where an AVX2
   * machine has only 16 registers and a 4 x 4 tile spills (measured with -XX:UseAVX=2: 85 GFLOP/s
   * for 4 x 2 against 50 for 4 x 4).
   */
  private static final int NV = V >= 16 ? 4 : 2;

  static final VectorSgemmKernel INSTANCE = new VectorSgemmKernel();

  private VectorSgemmKernel() {}

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NV * V;
  }

  @Override
  public int widthAlign() {
    return V;
  }

  @Override
  public int kc() {
    return 512;
  }

  @Override
  public int mc() {
    return 192;
  }

  @Override
  public int nc() {
    return 2048;
  }

  @Override
  public void store(float[] tile, int width, int rows, int cols, float alpha, float beta, float[] c,
      int cOff, int ldc) {
    int vectorCols = cols == width ? cols : 0;
    for (int r = 0; r < rows; r++) {
      int t = r * width;
      int o = cOff + r * ldc;
      for (int j = 0; j < vectorCols; j += V) {
        FloatVector x = FloatVector.fromArray(S, tile, t + j).mul(alpha);
        if (beta != 0f) {
          x = FloatVector.fromArray(S, c, o + j).fma(FloatVector.broadcast(S, beta), x);
        }
        x.intoArray(c, o + j);
      }
      // A ragged right edge (cols < width): scalar, so nothing is written past column cols.
      for (int j = vectorCols; j < cols; j++) {
        c[o + j] = beta == 0f ? alpha * tile[t + j] : alpha * tile[t + j] + beta * c[o + j];
      }
    }
  }

  @Override
  public void multiply(int kc, float[] ap, int aOff, int aRowStride, float[] bp, int bOff,
      int bStride, int width, float[] tile, boolean accumulate) {
    switch (width / V) {
      case 4:
        tile4x4(kc, ap, aOff, aRowStride, bp, bOff, bStride, tile, accumulate);
        break;
      case 3:
        tile4x3(kc, ap, aOff, aRowStride, bp, bOff, bStride, tile, accumulate);
        break;
      case 2:
        tile4x2(kc, ap, aOff, aRowStride, bp, bOff, bStride, tile, accumulate);
        break;
      default:
        tile4x1(kc, ap, aOff, aRowStride, bp, bOff, bStride, tile, accumulate);
        break;
    }
  }

  /** Accumulator {@code index} of a tile: zero, or when accumulating, its value in the tile buffer. */
  private static FloatVector start(float[] t, int index, boolean accumulate) {
    return accumulate ? FloatVector.fromArray(S, t, index * V) : FloatVector.zero(S);
  }

  /** The 4 x 4V tile. */
  private static void tile4x4(int kc, float[] ap, int aOff, int rs, float[] bp, int bOff,
      int bs, float[] t, boolean acc) {
    FloatVector c00 = start(t, 0, acc);
    FloatVector c01 = start(t, 1, acc);
    FloatVector c02 = start(t, 2, acc);
    FloatVector c03 = start(t, 3, acc);
    FloatVector c10 = start(t, 4, acc);
    FloatVector c11 = start(t, 5, acc);
    FloatVector c12 = start(t, 6, acc);
    FloatVector c13 = start(t, 7, acc);
    FloatVector c20 = start(t, 8, acc);
    FloatVector c21 = start(t, 9, acc);
    FloatVector c22 = start(t, 10, acc);
    FloatVector c23 = start(t, 11, acc);
    FloatVector c30 = start(t, 12, acc);
    FloatVector c31 = start(t, 13, acc);
    FloatVector c32 = start(t, 14, acc);
    FloatVector c33 = start(t, 15, acc);
    int b = bOff;
    int aEnd = aOff + kc;
    int rs2 = 2 * rs;
    int rs3 = 3 * rs;
    for (int a = aOff; a < aEnd; a++, b += bs) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + V);
      FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * V);
      FloatVector b3 = FloatVector.fromArray(S, bp, b + 3 * V);
      FloatVector a0 = FloatVector.broadcast(S, ap[a]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      c02 = a0.fma(b2, c02);
      c03 = a0.fma(b3, c03);
      FloatVector a1 = FloatVector.broadcast(S, ap[a + rs]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      c12 = a1.fma(b2, c12);
      c13 = a1.fma(b3, c13);
      FloatVector a2 = FloatVector.broadcast(S, ap[a + rs2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      c22 = a2.fma(b2, c22);
      c23 = a2.fma(b3, c23);
      FloatVector a3 = FloatVector.broadcast(S, ap[a + rs3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      c32 = a3.fma(b2, c32);
      c33 = a3.fma(b3, c33);
    }
    c00.intoArray(t, 0);
    c01.intoArray(t, V);
    c02.intoArray(t, 2 * V);
    c03.intoArray(t, 3 * V);
    c10.intoArray(t, 4 * V);
    c11.intoArray(t, 5 * V);
    c12.intoArray(t, 6 * V);
    c13.intoArray(t, 7 * V);
    c20.intoArray(t, 8 * V);
    c21.intoArray(t, 9 * V);
    c22.intoArray(t, 10 * V);
    c23.intoArray(t, 11 * V);
    c30.intoArray(t, 12 * V);
    c31.intoArray(t, 13 * V);
    c32.intoArray(t, 14 * V);
    c33.intoArray(t, 15 * V);
  }

  /** The 4 x 3V tile. */
  private static void tile4x3(int kc, float[] ap, int aOff, int rs, float[] bp, int bOff,
      int bs, float[] t, boolean acc) {
    FloatVector c00 = start(t, 0, acc);
    FloatVector c01 = start(t, 1, acc);
    FloatVector c02 = start(t, 2, acc);
    FloatVector c10 = start(t, 3, acc);
    FloatVector c11 = start(t, 4, acc);
    FloatVector c12 = start(t, 5, acc);
    FloatVector c20 = start(t, 6, acc);
    FloatVector c21 = start(t, 7, acc);
    FloatVector c22 = start(t, 8, acc);
    FloatVector c30 = start(t, 9, acc);
    FloatVector c31 = start(t, 10, acc);
    FloatVector c32 = start(t, 11, acc);
    int b = bOff;
    int aEnd = aOff + kc;
    int rs2 = 2 * rs;
    int rs3 = 3 * rs;
    for (int a = aOff; a < aEnd; a++, b += bs) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + V);
      FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * V);
      FloatVector a0 = FloatVector.broadcast(S, ap[a]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      c02 = a0.fma(b2, c02);
      FloatVector a1 = FloatVector.broadcast(S, ap[a + rs]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      c12 = a1.fma(b2, c12);
      FloatVector a2 = FloatVector.broadcast(S, ap[a + rs2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      c22 = a2.fma(b2, c22);
      FloatVector a3 = FloatVector.broadcast(S, ap[a + rs3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      c32 = a3.fma(b2, c32);
    }
    c00.intoArray(t, 0);
    c01.intoArray(t, V);
    c02.intoArray(t, 2 * V);
    c10.intoArray(t, 3 * V);
    c11.intoArray(t, 4 * V);
    c12.intoArray(t, 5 * V);
    c20.intoArray(t, 6 * V);
    c21.intoArray(t, 7 * V);
    c22.intoArray(t, 8 * V);
    c30.intoArray(t, 9 * V);
    c31.intoArray(t, 10 * V);
    c32.intoArray(t, 11 * V);
  }

  /** The 4 x 2V tile. */
  private static void tile4x2(int kc, float[] ap, int aOff, int rs, float[] bp, int bOff,
      int bs, float[] t, boolean acc) {
    FloatVector c00 = start(t, 0, acc);
    FloatVector c01 = start(t, 1, acc);
    FloatVector c10 = start(t, 2, acc);
    FloatVector c11 = start(t, 3, acc);
    FloatVector c20 = start(t, 4, acc);
    FloatVector c21 = start(t, 5, acc);
    FloatVector c30 = start(t, 6, acc);
    FloatVector c31 = start(t, 7, acc);
    int b = bOff;
    int aEnd = aOff + kc;
    int rs2 = 2 * rs;
    int rs3 = 3 * rs;
    for (int a = aOff; a < aEnd; a++, b += bs) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + V);
      FloatVector a0 = FloatVector.broadcast(S, ap[a]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, ap[a + rs]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, ap[a + rs2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, ap[a + rs3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
    }
    c00.intoArray(t, 0);
    c01.intoArray(t, V);
    c10.intoArray(t, 2 * V);
    c11.intoArray(t, 3 * V);
    c20.intoArray(t, 4 * V);
    c21.intoArray(t, 5 * V);
    c30.intoArray(t, 6 * V);
    c31.intoArray(t, 7 * V);
  }

  /** The 4 x 1V tile. */
  private static void tile4x1(int kc, float[] ap, int aOff, int rs, float[] bp, int bOff,
      int bs, float[] t, boolean acc) {
    FloatVector c00 = start(t, 0, acc);
    FloatVector c10 = start(t, 1, acc);
    FloatVector c20 = start(t, 2, acc);
    FloatVector c30 = start(t, 3, acc);
    int b = bOff;
    int aEnd = aOff + kc;
    int rs2 = 2 * rs;
    int rs3 = 3 * rs;
    for (int a = aOff; a < aEnd; a++, b += bs) {
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector a0 = FloatVector.broadcast(S, ap[a]);
      c00 = a0.fma(b0, c00);
      FloatVector a1 = FloatVector.broadcast(S, ap[a + rs]);
      c10 = a1.fma(b0, c10);
      FloatVector a2 = FloatVector.broadcast(S, ap[a + rs2]);
      c20 = a2.fma(b0, c20);
      FloatVector a3 = FloatVector.broadcast(S, ap[a + rs3]);
      c30 = a3.fma(b0, c30);
    }
    c00.intoArray(t, 0);
    c10.intoArray(t, V);
    c20.intoArray(t, 2 * V);
    c30.intoArray(t, 3 * V);
  }
}
