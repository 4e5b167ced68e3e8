package dev.kiln.ops;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.backend.cpu.gemm.Gemm;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU loops of 2-d convolution: each sample's input is unfolded (im2col) into a
 * {@code [cIn/groups * kh * kw, outH * outW]} matrix in a per-thread buffer, and one matrix product
 * per group with the fast GEMM does the arithmetic. Samples are split over the worker threads.
 *
 * <p>Every tensor passed in is contiguous; outputs are allocated (zeroed) by the caller. Arrays are
 * {@code float[]} for float32 and {@code double[]} for float64 (gradient checks); only the innermost
 * copies are written twice, the loop structure once.
 */
final class ConvKernels {
    private ConvKernels() {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** {@code out = conv2d(x, w) + b} for the whole batch, through ReLU when {@code relu}. */
    static void forward(ConvGeometry g, Tensor x, Tensor w, Tensor b, Tensor out, boolean relu) {
        Object xa = array(x);
        Object wa = array(w);
        Object oa = array(out);
        int xo = x.offset();
        int wo = w.offset();
        int oo = out.offset();
        int ohow = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutPerGroup();
        int sampleIn = g.cIn() * g.h() * g.w();
        int groupIn = g.cInPerGroup() * g.h() * g.w();
        int sampleOut = g.cOut() * ohow;
        int groupW = cOutG * rows;
        double[] bias = b == null ? null : b.toDoubleArray();
        Parallel.forRange(g.n(), flopsPerSample(g), (s, e) -> {
            Object cols = g.isPointwise() ? null : scratch(xa, rows * ohow);
            for (int i = s; i < e; i++) {
                int outBase = oo + i * sampleOut;
                if (bias != null) {
                    for (int c = 0; c < g.cOut(); c++) {
                        fill(oa, outBase + c * ohow, ohow, bias[c]);
                    }
                }
                for (int grp = 0; grp < g.groups(); grp++) {
                    int in = xo + i * sampleIn + grp * groupIn;
                    Object src = xa;
                    int srcOff = in;
                    if (cols != null) {
                        im2col(g, xa, in, cols);
                        src = cols;
                        srcOff = 0;
                    }
                    gemm(false, false, cOutG, ohow, rows, wa, wo + grp * groupW, rows, src, srcOff, ohow,
                            bias == null ? 0 : 1, oa, outBase + grp * cOutG * ohow, ohow);
                }
                if (relu) {
                    relu(oa, outBase, sampleOut);
                }
            }
        });
    }

    /** ReLU in place on {@code a[from, from + length)}, as the relu op computes it (NaN stays NaN). */
    private static void relu(Object a, int from, int length) {
        if (a instanceof float[] f) {
            for (int i = from, end = from + length; i < end; i++) {
                f[i] = Math.max(f[i], 0f);
            }
        } else {
            double[] d = (double[]) a;
            for (int i = from, end = from + length; i < end; i++) {
                d[i] = Math.max(d[i], 0.0);
            }
        }
    }

    /** {@code gx = conv2d's input gradient} (the transposed convolution of gOut with w); gx starts zeroed. */
    static void inputGrad(ConvGeometry g, Tensor gOut, Tensor w, Tensor gx) {
        Object ga = array(gOut);
        Object wa = array(w);
        Object xa = array(gx);
        int go = gOut.offset();
        int wo = w.offset();
        int xo = gx.offset();
        int ohow = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutPerGroup();
        int sampleIn = g.cIn() * g.h() * g.w();
        int groupIn = g.cInPerGroup() * g.h() * g.w();
        int sampleOut = g.cOut() * ohow;
        int groupW = cOutG * rows;
        Parallel.forRange(g.n(), flopsPerSample(g), (s, e) -> {
            Object cols = g.isPointwise() ? null : scratch(xa, rows * ohow);
            for (int i = s; i < e; i++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int gOff = go + i * sampleOut + grp * cOutG * ohow;
                    int in = xo + i * sampleIn + grp * groupIn;
                    if (cols == null) {
                        gemm(true, false, rows, ohow, cOutG, wa, wo + grp * groupW, rows, ga, gOff, ohow, 0, xa, in, ohow);
                    } else {
                        gemm(true, false, rows, ohow, cOutG, wa, wo + grp * groupW, rows, ga, gOff, ohow, 0, cols, 0, ohow);
                        col2im(g, cols, xa, in);
                    }
                }
            }
        });
    }

    /** {@code gw = conv2d's weight gradient}, summed over the batch; gw starts zeroed. */
    static void weightGrad(ConvGeometry g, Tensor x, Tensor gOut, Tensor gw) {
        Object xa = array(x);
        Object ga = array(gOut);
        Object wa = array(gw);
        int xo = x.offset();
        int go = gOut.offset();
        int wo = gw.offset();
        int ohow = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutPerGroup();
        int sampleIn = g.cIn() * g.h() * g.w();
        int groupIn = g.cInPerGroup() * g.h() * g.w();
        int sampleOut = g.cOut() * ohow;
        int groupW = cOutG * rows;
        int size = g.cOut() * rows;
        Object lock = new Object();
        Parallel.forRange(g.n(), flopsPerSample(g), (s, e) -> {
            // Each chunk sums into its own partial gradient, so threads never write the same memory. It holds
            // the transposed gradient, cols x G^T, because a product whose B is the small G packs faster
            // than one whose B is the wide, transposed unfolded input.
            Object part = xa instanceof float[] ? new float[size] : new double[size];
            Object cols = g.isPointwise() ? null : scratch(xa, rows * ohow);
            for (int i = s; i < e; i++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int in = xo + i * sampleIn + grp * groupIn;
                    Object src = xa;
                    int srcOff = in;
                    if (cols != null) {
                        im2col(g, xa, in, cols);
                        src = cols;
                        srcOff = 0;
                    }
                    gemm(false, true, rows, cOutG, ohow, src, srcOff, ohow, ga, go + i * sampleOut + grp * cOutG * ohow,
                            ohow, 1, part, grp * groupW, cOutG);
                }
            }
            synchronized (lock) {
                addTransposed(part, wa, wo, g.groups(), rows, cOutG);
            }
        });
    }

    private static long flopsPerSample(ConvGeometry g) {
        return 2L * g.cOut() * g.colRows() * g.colCols();
    }

    // ------------------------------------------------------------ unfolding

    /**
     * Unfolds one group of one sample (channels starting at {@code xOff}) into {@code cols}:
     * {@code cols[(c*kh + i)*kw + j][oy*outW + ox] = x[c][oy*sh - ph + i*dh][ox*sw - pw + j*dw]}, 0 in the padding.
     */
    static void im2col(ConvGeometry g, Object x, int xOff, Object cols) {
        if (g.isSameSize()) {
            im2colSame(g, x, xOff, cols);
            return;
        }
        int outH = g.outH();
        int outW = g.outW();
        int sw = g.strideW();
        int row = 0;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            int plane = xOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int shiftW = j * g.dilW() - g.padW();
                    int ox0 = Math.min(outW, firstInside(shiftW, sw));
                    int ox1 = Math.max(ox0, Math.min(outW, lastInside(shiftW, sw, g.w()) + 1));
                    for (int oy = 0; oy < outH; oy++) {
                        int dst = (row * outH + oy) * outW;
                        int iy = oy * g.strideH() - g.padH() + i * g.dilH();
                        int src = iy < 0 || iy >= g.h() ? -1 : plane + iy * g.w() + ox0 * sw + shiftW;
                        // One typed call per output row: the copies below are the hot loop of convolution.
                        if (x instanceof float[] xf) {
                            unfoldRow(xf, src, sw, (float[]) cols, dst, ox0, ox1, outW);
                        } else {
                            unfoldRow((double[]) x, src, sw, (double[]) cols, dst, ox0, ox1, outW);
                        }
                    }
                }
            }
        }
    }

    /** One output row of a column: zeros, then {@code x[src + t*stride]} for ox0 <= ox < ox1, then zeros (all zeros for src < 0). */
    private static void unfoldRow(float[] x, int src, int stride, float[] cols, int dst, int ox0, int ox1, int outW) {
        if (src < 0) {
            java.util.Arrays.fill(cols, dst, dst + outW, 0f);
            return;
        }
        for (int t = 0; t < ox0; t++) {
            cols[dst + t] = 0f;
        }
        if (stride == 1) {
            System.arraycopy(x, src, cols, dst + ox0, ox1 - ox0);
        } else {
            for (int t = 0; t < ox1 - ox0; t++) {
                cols[dst + ox0 + t] = x[src + t * stride];
            }
        }
        for (int t = ox1; t < outW; t++) {
            cols[dst + t] = 0f;
        }
    }

    private static void unfoldRow(double[] x, int src, int stride, double[] cols, int dst, int ox0, int ox1,
            int outW) {
        if (src < 0) {
            java.util.Arrays.fill(cols, dst, dst + outW, 0.0);
            return;
        }
        for (int t = 0; t < ox0; t++) {
            cols[dst + t] = 0.0;
        }
        for (int t = 0; t < ox1 - ox0; t++) {
            cols[dst + ox0 + t] = x[src + t * stride];
        }
        for (int t = ox1; t < outW; t++) {
            cols[dst + t] = 0.0;
        }
    }

    /** The adjoint of {@link #im2col}: adds each column entry back onto the input position it came from. */
    static void col2im(ConvGeometry g, Object cols, Object x, int xOff) {
        if (g.isSameSize()) {
            col2imSame(g, cols, x, xOff);
            return;
        }
        int outH = g.outH();
        int outW = g.outW();
        int sw = g.strideW();
        int row = 0;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            int plane = xOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int shiftW = j * g.dilW() - g.padW();
                    int ox0 = Math.min(outW, firstInside(shiftW, sw));
                    int ox1 = Math.max(ox0, Math.min(outW, lastInside(shiftW, sw, g.w()) + 1));
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy * g.strideH() - g.padH() + i * g.dilH();
                        if (iy < 0 || iy >= g.h()) {
                            continue;
                        }
                        int from = (row * outH + oy) * outW + ox0;
                        int to = plane + iy * g.w() + ox0 * sw + shiftW;
                        if (cols instanceof float[] cf) {
                            foldRow(cf, from, (float[]) x, to, sw, ox1 - ox0);
                        } else {
                            foldRow((double[]) cols, from, (double[]) x, to, sw, ox1 - ox0);
                        }
                    }
                }
            }
        }
    }

    private static void foldRow(float[] cols, int from, float[] x, int to, int stride, int length) {
        if (stride == 1) {
            addInto(cols, from, x, to, length);
        } else {
            for (int t = 0; t < length; t++) {
                x[to + t * stride] += cols[from + t];
            }
        }
    }

    private static void foldRow(double[] cols, int from, double[] x, int to, int stride, int length) {
        for (int t = 0; t < length; t++) {
            x[to + t * stride] += cols[from + t];
        }
    }

    /*
     * A stride-1 convolution whose output is as large as its input ("same" padding, the common 3x3 pad 1
     * case): flattened, column row (c, i, j) is the input plane shifted by one constant offset,
     * (i*dh - ph) * w + (j*dw - pw). So each row is one contiguous copy (or, folding back, one contiguous
     * add) plus zeros where the shift wraps a column around a row edge or leaves the plane.
     */

    private static void im2colSame(ConvGeometry g, Object x, int xOff, Object cols) {
        int hw = g.h() * g.w();
        int row = 0;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            int plane = xOff + c * hw;
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int shiftW = j * g.dilW() - g.padW();
                    int off = (i * g.dilH() - g.padH()) * g.w() + shiftW;
                    int dst = row * hw;
                    int p0 = Math.min(hw, Math.max(0, -off));
                    int p1 = Math.max(p0, Math.min(hw, hw - off));
                    fill(cols, dst, p0, 0);
                    System.arraycopy(x, plane + p0 + off, cols, dst + p0, p1 - p0);
                    fill(cols, dst + p1, hw - p1, 0);
                    zeroWrappedColumns(cols, dst, g.h(), g.w(), shiftW);
                }
            }
        }
    }

    private static void col2imSame(ConvGeometry g, Object cols, Object x, int xOff) {
        int hw = g.h() * g.w();
        int row = 0;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            int plane = xOff + c * hw;
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int shiftW = j * g.dilW() - g.padW();
                    int off = (i * g.dilH() - g.padH()) * g.w() + shiftW;
                    int src = row * hw;
                    int p0 = Math.min(hw, Math.max(0, -off));
                    int p1 = Math.max(p0, Math.min(hw, hw - off));
                    // cols is this thread's scratch: zeroing the wrapped entries makes the add below exact.
                    zeroWrappedColumns(cols, src, g.h(), g.w(), shiftW);
                    if (cols instanceof float[] cf) {
                        addInto(cf, src + p0, (float[]) x, plane + off + p0, p1 - p0);
                    } else {
                        double[] cd = (double[]) cols;
                        double[] xd = (double[]) x;
                        int to = plane + off;
                        for (int p = p0; p < p1; p++) {
                            xd[to + p] += cd[src + p];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code dst[dstPos + t] += src[srcPos + t]} for t below length, on the Vector API: it is the hot loop of
     * the input gradient, and it ran at half this speed as a plain loop (measured on W3's 14x14 maps).
     */
    private static void addInto(float[] src, int srcPos, float[] dst, int dstPos, int length) {
        int t = 0;
        for (int end = F.loopBound(length); t < end; t += F.length()) {
            FloatVector.fromArray(F, dst, dstPos + t).add(FloatVector.fromArray(F, src, srcPos + t))
                    .intoArray(dst, dstPos + t);
        }
        for (; t < length; t++) {
            dst[dstPos + t] += src[srcPos + t];
        }
    }

    /** Zeros the columns of each of the h rows (width w) at {@code base} that a horizontal shift moves past an edge. */
    private static void zeroWrappedColumns(Object cols, int base, int h, int w, int shiftW) {
        if (shiftW == 0) {
            return;
        }
        int from = shiftW < 0 ? 0 : Math.max(0, w - shiftW);
        int count = shiftW < 0 ? Math.min(w, -shiftW) : w - from;
        // Usually one entry per row (3x3 kernels): one strided loop of plain stores then, which ran the
        // unfolding a quarter faster than a short inner loop per row; never a fill call per row.
        if (cols instanceof float[] f && count == 1) {
            for (int t = base + from, end = base + h * w; t < end; t += w) {
                f[t] = 0f;
            }
        } else if (cols instanceof float[] f) {
            for (int r = 0; r < h; r++) {
                for (int t = base + r * w + from, end = t + count; t < end; t++) {
                    f[t] = 0f;
                }
            }
        } else {
            double[] d = (double[]) cols;
            for (int r = 0; r < h; r++) {
                for (int t = base + r * w + from, end = t + count; t < end; t++) {
                    d[t] = 0.0;
                }
            }
        }
    }

    /** The first output column whose input column {@code ox*stride + shift} is not left of the input. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : ceilDiv(-shift, stride);
    }

    /** The last output column whose input column {@code ox*stride + shift} is inside an input of width w. */
    private static int lastInside(int shift, int stride, int w) {
        return Math.floorDiv(w - 1 - shift, stride);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    // ------------------------------------------------------------ typed leaves

    static Object array(Tensor t) {
        return t.dtype() == DType.FLOAT32 ? t.storage().floats() : t.storage().doubles();
    }

    /** The calling thread's unfolding buffer, of the same element type as {@code like}. */
    private static Object scratch(Object like, int size) {
        Scratch s = SCRATCH.get();
        if (like instanceof float[]) {
            if (s.floats.length < size) {
                s.floats = new float[size];
            }
            return s.floats;
        }
        if (s.doubles.length < size) {
            s.doubles = new double[size];
        }
        return s.doubles;
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, Object a, int aOff, int lda, Object b,
            int bOff, int ldb, double beta, Object c, int cOff, int ldc) {
        if (a instanceof float[] af) {
            Gemm.sgemm(transA, transB, m, n, k, 1f, af, aOff, lda, (float[]) b, bOff, ldb, (float) beta,
                    (float[]) c, cOff, ldc);
        } else {
            Gemm.dgemm(transA, transB, m, n, k, 1.0, (double[]) a, aOff, lda, (double[]) b, bOff, ldb, beta,
                    (double[]) c, cOff, ldc);
        }
    }

    static void fill(Object a, int from, int length, double value) {
        if (length <= 0) {
            return;
        }
        if (a instanceof float[] f) {
            java.util.Arrays.fill(f, from, from + length, (float) value);
        } else {
            java.util.Arrays.fill((double[]) a, from, from + length, value);
        }
    }

    /** {@code dst[dstPos + t*stride] += src[srcPos + t]} for t below length. */
    private static void add(Object src, int srcPos, Object dst, int dstPos, int stride, int length) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int t = 0; t < length; t++) {
                d[dstPos + t * stride] += s[srcPos + t];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int t = 0; t < length; t++) {
                d[dstPos + t * stride] += s[srcPos + t];
            }
        }
    }

    /** Adds each group's {@code [rows, cols]} block of {@code src} transposed into the {@code [cols, rows]} block of dst. */
    private static void addTransposed(Object src, Object dst, int dstPos, int groups, int rows, int cols) {
        for (int grp = 0; grp < groups; grp++) {
            int block = grp * rows * cols;
            for (int r = 0; r < rows; r++) {
                add(src, block + r * cols, dst, dstPos + block + r, rows, cols);
            }
        }
    }

    /** Per-thread unfolding buffers, grown on demand and reused, so a steady-state step allocates none. */
    private static final class Scratch {
        float[] floats = new float[0];
        double[] doubles = new double[0];
    }
}
