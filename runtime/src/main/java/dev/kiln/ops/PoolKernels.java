package dev.kiln.ops;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.Tensor;

/**
 * The CPU loops of 2-d pooling over {@code planes} independent {@code h x w} planes (batch times
 * channels), split over the worker threads. Inputs are contiguous, outputs allocated (zeroed) by the
 * caller; {@code float[]} for float32, {@code double[]} for float64.
 */
final class PoolKernels {
    private PoolKernels() {}

    /**
     * Max pooling: each output is the largest input of its window, and {@code argmax} receives its
     * position {@code iy * w + ix} in the plane. Ties go to the first position in row-major order, as
     * in PyTorch; NaN is larger than everything, so it propagates.
     */
    static void maxForward(Tensor x, int planes, int h, int w, int outH, int outW, int[] k, int[] s, int[] p,
            int[] d, Tensor out, int[] argmax) {
        MaxWindow win = new MaxWindow(h, w, outH, outW, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                rowTaps(outH, h, k[0], s[0], p[0], d[0], true), rowTaps(outH, h, k[0], s[0], p[0], d[0], false),
                columns(outW, w, k[1], s[1], p[1], d[1], true), columns(outW, w, k[1], s[1], p[1], d[1], false));
        Object xa = ConvKernels.array(x);
        Object oa = ConvKernels.array(out);
        int outPlane = outH * outW;
        Parallel.forRange(planes, (long) outPlane * k[0] * k[1], (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = x.offset() + pl * h * w;
                int o = pl * outPlane;
                if (xa instanceof float[] f) {
                    maxPlane(f, in, (float[]) oa, out.offset() + o, argmax, o, win);
                } else {
                    maxPlane((double[]) xa, in, (double[]) oa, out.offset() + o, argmax, o, win);
                }
            }
        });
    }

    /**
     * The geometry of max pooling one plane: output row oy reads kernel rows {@code rowLo[oy]..rowHi[oy]},
     * and kernel column j lands inside the input for output columns {@code colLo[j]..colHi[j]}.
     */
    private record MaxWindow(int h, int w, int outH, int outW, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int[] rowLo, int[] rowHi, int[] colLo, int[] colHi) {}

    /** Per output row, the first ({@code first}) or one past the last kernel row that lands inside the input. */
    private static int[] rowTaps(int out, int n, int k, int stride, int pad, int dil, boolean first) {
        int[] r = new int[out];
        for (int o = 0; o < out; o++) {
            int start = o * stride - pad;
            int lo = start >= 0 ? 0 : Math.min(k, (-start + dil - 1) / dil);
            int hi = Math.min(k, Math.floorDiv(n - 1 - start, dil) + 1);
            r[o] = first ? lo : Math.max(lo, hi);
        }
        return r;
    }

    /** Per kernel column j, the first ({@code first}) or one past the last output column whose tap lands inside. */
    private static int[] columns(int out, int n, int k, int stride, int pad, int dil, boolean first) {
        int[] r = new int[k];
        for (int j = 0; j < k; j++) {
            int shift = j * dil - pad;
            int lo = shift >= 0 ? 0 : Math.min(out, (-shift + stride - 1) / stride);
            int hi = Math.min(out, Math.floorDiv(n - 1 - shift, stride) + 1);
            r[j] = first ? lo : Math.max(lo, hi);
        }
        return r;
    }

    /**
     * One float plane, one output row at a time and without data-dependent branches: the row's maxima
     * with {@code Math.max} (NaN wins) tap by tap across the whole row, then each maximum's first
     * position in row-major order, by visiting the taps backwards and keeping the last one whose bits
     * equal the maximum's. (A branch per tap, "is this larger?", mispredicts about half the time on real
     * activations; short per-output window loops cost more than the arithmetic.)
     */
    private static void maxPlane(float[] x, int in, float[] out, int outOff, int[] argmax, int o, MaxWindow g) {
        int w = g.w();
        int outW = g.outW();
        int sw = g.sw();
        int[] colLo = g.colLo();
        int[] colHi = g.colHi();
        for (int oy = 0; oy < g.outH(); oy++) {
            int top = oy * g.sh() - g.ph();
            int i0 = g.rowLo()[oy];
            int i1 = g.rowHi()[oy];
            int ob = outOff + oy * outW;
            int ab = o + oy * outW;
            java.util.Arrays.fill(out, ob, ob + outW, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(argmax, ab, ab + outW, -1);
            for (int i = i0; i < i1; i++) {
                int rowStart = in + (top + i * g.dh()) * w - g.pw();
                for (int j = 0; j < g.kw(); j++) {
                    int src = rowStart + j * g.dw();
                    for (int ox = colLo[j]; ox < colHi[j]; ox++) {
                        out[ob + ox] = Math.max(out[ob + ox], x[src + ox * sw]);
                    }
                }
            }
            for (int i = i1 - 1; i >= i0; i--) {
                for (int j = g.kw() - 1; j >= 0; j--) {
                    int pos = (top + i * g.dh()) * w - g.pw() + j * g.dw();
                    for (int ox = colLo[j]; ox < colHi[j]; ox++) {
                        int at = pos + ox * sw;
                        int diff = Float.floatToRawIntBits(x[in + at]) ^ Float.floatToRawIntBits(out[ob + ox]);
                        int keep = (diff | -diff) >> 31; // -1 where the bits differ, 0 where they match
                        argmax[ab + ox] = argmax[ab + ox] & keep | at & ~keep;
                    }
                }
            }
            for (int ox = 0; ox < outW; ox++) {
                if (Float.isNaN(out[ob + ox])) {
                    // Math.max may hand back a NaN with other bits than the input's: find the first NaN directly.
                    argmax[ab + ox] = firstNaN(x, in, g, oy, ox);
                }
            }
        }
    }

    /** The plane position of the first NaN, in row-major order, in the window of output (oy, ox). */
    private static int firstNaN(float[] x, int in, MaxWindow g, int oy, int ox) {
        for (int i = g.rowLo()[oy]; i < g.rowHi()[oy]; i++) {
            int iy = oy * g.sh() - g.ph() + i * g.dh();
            for (int j = 0; j < g.kw(); j++) {
                int ix = ox * g.sw() - g.pw() + j * g.dw();
                if (ix >= 0 && ix < g.w() && Float.isNaN(x[in + iy * g.w() + ix])) {
                    return iy * g.w() + ix;
                }
            }
        }
        return -1;
    }

    /** One float64 plane (gradient checks): the same rule, written directly. */
    private static void maxPlane(double[] x, int in, double[] out, int outOff, int[] argmax, int o, MaxWindow g) {
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++, o++, outOff++) {
                int best = -1;
                double bestValue = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < g.kh(); i++) {
                    int iy = oy * g.sh() - g.ph() + i * g.dh();
                    for (int j = 0; j < g.kw() && iy >= 0 && iy < g.h(); j++) {
                        int ix = ox * g.sw() - g.pw() + j * g.dw();
                        if (ix < 0 || ix >= g.w()) {
                            continue;
                        }
                        double v = x[in + iy * g.w() + ix];
                        if (best < 0 || v > bestValue || v != v && bestValue == bestValue) {
                            best = iy * g.w() + ix;
                            bestValue = v;
                        }
                    }
                }
                out[outOff] = bestValue;
                argmax[o] = best;
            }
        }
    }

    /** {@code gx[plane][argmax[o]] += g[o]}: the adjoint of picking the maxima. */
    static void scatter(Tensor g, int[] argmax, int planes, int inPlane, int outPlane, Tensor gx) {
        Object ga = ConvKernels.array(g);
        Object xa = ConvKernels.array(gx);
        int go = g.offset();
        int xo = gx.offset();
        Parallel.forRange(planes, outPlane, (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = xo + pl * inPlane;
                for (int o = pl * outPlane; o < (pl + 1) * outPlane; o++) {
                    int at = argmax[o];
                    if (at < 0) {
                        continue;
                    }
                    if (ga instanceof float[] f) {
                        ((float[]) xa)[in + at] += f[go + o];
                    } else {
                        ((double[]) xa)[in + at] += ((double[]) ga)[go + o];
                    }
                }
            }
        });
    }

    /** {@code out[o] = x[plane][argmax[o]]}: the adjoint of {@link #scatter}. */
    static void gather(Tensor x, int[] argmax, int planes, int inPlane, int outPlane, Tensor out) {
        Object xa = ConvKernels.array(x);
        Object oa = ConvKernels.array(out);
        int xo = x.offset();
        Parallel.forRange(planes, outPlane, (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = xo + pl * inPlane;
                for (int o = pl * outPlane; o < (pl + 1) * outPlane; o++) {
                    int at = argmax[o];
                    if (at >= 0) {
                        set(oa, out.offset() + o, xa instanceof float[] f ? f[in + at] : ((double[]) xa)[in + at]);
                    }
                }
            }
        });
    }

    /** Average pooling: each output is its window's sum times the window's scale. */
    static void avgForward(Tensor x, int planes, PoolWindows win, Tensor out) {
        Object xa = ConvKernels.array(x);
        Object oa = ConvKernels.array(out);
        int xo = x.offset();
        int h = win.inH();
        int w = win.inW();
        int outH = win.outH();
        int outW = win.outW();
        Parallel.forRange(planes, (long) h * w + outH * outW, (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = xo + pl * h * w;
                int o = out.offset() + pl * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++, o++) {
                        double sum = 0;
                        for (int iy = win.hStart()[oy]; iy < win.hEnd()[oy]; iy++) {
                            int row = in + iy * w;
                            for (int ix = win.wStart()[ox]; ix < win.wEnd()[ox]; ix++) {
                                sum += xa instanceof float[] f ? f[row + ix] : ((double[]) xa)[row + ix];
                            }
                        }
                        set(oa, o, sum * win.hScale()[oy] * win.wScale()[ox]);
                    }
                }
            }
        });
    }

    /** The adjoint of {@link #avgForward}: each output's gradient, scaled, is added over its window. */
    static void avgAdjoint(Tensor g, int planes, PoolWindows win, Tensor gx) {
        Object ga = ConvKernels.array(g);
        Object xa = ConvKernels.array(gx);
        int go = g.offset();
        int h = win.inH();
        int w = win.inW();
        int outH = win.outH();
        int outW = win.outW();
        Parallel.forRange(planes, (long) h * w + outH * outW, (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = gx.offset() + pl * h * w;
                int o = go + pl * outH * outW;
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++, o++) {
                        double v = (ga instanceof float[] f ? f[o] : ((double[]) ga)[o])
                                * win.hScale()[oy] * win.wScale()[ox];
                        for (int iy = win.hStart()[oy]; iy < win.hEnd()[oy]; iy++) {
                            int row = in + iy * w;
                            for (int ix = win.wStart()[ox]; ix < win.wEnd()[ox]; ix++) {
                                add(xa, row + ix, v);
                            }
                        }
                    }
                }
            }
        });
    }

    private static void set(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] = (float) v;
        } else {
            ((double[]) a)[i] = v;
        }
    }

    private static void add(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] += (float) v;
        } else {
            ((double[]) a)[i] += v;
        }
    }
}
