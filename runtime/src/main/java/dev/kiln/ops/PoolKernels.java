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
                taps(outW, w, k[1], s[1], p[1], d[1], true), taps(outW, w, k[1], s[1], p[1], d[1], false));
        Object xa = ConvKernels.array(x);
        Object oa = ConvKernels.array(out);
        int outPlane = outH * outW;
        boolean halving = isHalving(win);
        Parallel.forRange(planes, (long) outPlane * k[0] * k[1], (p0, p1) -> {
            long[] rowKeys = xa instanceof float[] ? new long[h * outW] : null;
            long[] best = xa instanceof float[] ? new long[outW] : null;
            float[] rowMax = halving ? new float[h * outW] : null;
            int[] rowArg = halving ? new int[h * outW] : null;
            for (int pl = p0; pl < p1; pl++) {
                int in = x.offset() + pl * h * w;
                int o = pl * outPlane;
                if (xa instanceof float[] f) {
                    if (!halving || !maxPlaneHalving(f, in, (float[]) oa, out.offset() + o, argmax, o, win, rowMax,
                            rowArg)) {
                        maxPlane(f, in, (float[]) oa, out.offset() + o, argmax, o, win, rowKeys, best);
                    }
                } else {
                    maxPlane((double[]) xa, in, (double[]) oa, out.offset() + o, argmax, o, win);
                }
            }
        });
    }

    /** The geometry of max pooling one plane; {@code lo[j]..hi[j]} are the output columns whose tap j is inside. */
    private record MaxWindow(int h, int w, int outH, int outW, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int[] lo, int[] hi) {}

    /** Per kernel column j, the first ({@code first}) or one past the last output column whose tap lands inside. */
    private static int[] taps(int out, int n, int k, int stride, int pad, int dil, boolean first) {
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
     * One float plane, separably and without branches: each input is turned into a long key, its
     * order-preserving float bits above the (negated) kernel row and column, so that one
     * {@code Math.max} per tap picks the largest value and, among equal values, the first in row-major
     * order. Rows are reduced across kernel columns first, then across kernel rows. (A data-dependent
     * branch per tap mispredicts about half the time on real activations and costs several times more.)
     */
    private static void maxPlane(float[] x, int in, float[] out, int outOff, int[] argmax, int o, MaxWindow g,
            long[] rowKeys, long[] best) {
        int outW = g.outW();
        for (int iy = 0; iy < g.h(); iy++) {
            int row = in + iy * g.w();
            int keys = iy * outW;
            java.util.Arrays.fill(rowKeys, keys, keys + outW, Long.MIN_VALUE);
            for (int j = 0; j < g.kw(); j++) {
                int src = row + j * g.dw() - g.pw();
                long tap = 0xFFFF - j;
                for (int ox = g.lo()[j]; ox < g.hi()[j]; ox++) {
                    rowKeys[keys + ox] = Math.max(rowKeys[keys + ox], key(x[src + ox * g.sw()]) | tap);
                }
            }
        }
        for (int oy = 0; oy < g.outH(); oy++) {
            java.util.Arrays.fill(best, Long.MIN_VALUE);
            for (int i = 0; i < g.kh(); i++) {
                int iy = oy * g.sh() - g.ph() + i * g.dh();
                if (iy < 0 || iy >= g.h()) {
                    continue;
                }
                int keys = iy * outW;
                long tap = (long) (0xFFFF - i) << 16;
                for (int ox = 0; ox < outW; ox++) {
                    best[ox] = Math.max(best[ox], rowKeys[keys + ox] | tap);
                }
            }
            for (int ox = 0; ox < outW; ox++, o++) {
                long b = best[ox];
                int i = 0xFFFF - (int) ((b >>> 16) & 0xFFFF);
                int j = 0xFFFF - (int) (b & 0xFFFF);
                boolean empty = b == Long.MIN_VALUE;
                out[outOff + oy * outW + ox] = empty ? Float.NEGATIVE_INFINITY : value(b);
                argmax[o] = empty ? -1 : (oy * g.sh() - g.ph() + i * g.dh()) * g.w() + ox * g.sw() - g.pw() + j * g.dw();
            }
        }
    }

    /** A 3x3 window at stride 2 with padding 1 over an even-sized plane: the common down-sampling pool. */
    private static boolean isHalving(MaxWindow g) {
        return g.kh() == 3 && g.kw() == 3 && g.sh() == 2 && g.sw() == 2 && g.ph() == 1 && g.pw() == 1
                && g.dh() == 1 && g.dw() == 1 && g.h() == 2 * g.outH() && g.w() == 2 * g.outW();
    }

    /**
     * One float plane of a {@linkplain #isHalving halving} pool, separably: each input row's three-wide
     * maxima, then the maxima of three such rows. As the plane is exactly twice as wide as the output,
     * row r's output column ox reads plane positions 2q-1..2q+1 for q = r*outW + ox, so the first pass
     * is one flat loop over the plane (column 0, whose left tap is padding, is redone after it). Each pass
     * keeps the first position equal to its maximum, bitwise and without a data-dependent branch (which
     * would mispredict about half the time on real activations); columns before rows gives the first
     * position in row-major order, as PyTorch. Returns false, its output unfinished, when a maximum is
     * NaN, because Math.max may return a NaN with other bits: the caller redoes that plane.
     */
    private static boolean maxPlaneHalving(float[] x, int in, float[] out, int outOff, int[] argmax, int o,
            MaxWindow g, float[] rowMax, int[] rowArg) {
        int outW = g.outW();
        int n = g.h() * outW;
        for (int q = 1; q < n; q++) {
            int s = in + 2 * q;
            float m = Math.max(Math.max(x[s - 1], x[s]), x[s + 1]);
            int bits = Float.floatToRawIntBits(m);
            rowMax[q] = m;
            rowArg[q] = firstIfEqual(x[s - 1], bits, 2 * q - 1, firstIfEqual(x[s], bits, 2 * q, 2 * q + 1));
        }
        for (int q = 0; q < n; q += outW) {
            int s = in + 2 * q;
            float m = Math.max(x[s], x[s + 1]);
            rowMax[q] = m;
            rowArg[q] = firstIfEqual(x[s], Float.floatToRawIntBits(m), 2 * q, 2 * q + 1);
        }
        boolean nan = false;
        for (int oy = 0; oy < g.outH(); oy++) {
            int mid = 2 * oy * outW;
            int up = oy == 0 ? mid : mid - outW; // row -1 is padding: taking row 0 twice changes nothing
            int down = mid + outW;
            int ob = outOff + oy * outW;
            int ab = o + oy * outW;
            for (int ox = 0; ox < outW; ox++) {
                float m = Math.max(Math.max(rowMax[up + ox], rowMax[mid + ox]), rowMax[down + ox]);
                int bits = Float.floatToRawIntBits(m);
                int at = firstIfEqual(rowMax[mid + ox], bits, rowArg[mid + ox], rowArg[down + ox]);
                out[ob + ox] = m;
                argmax[ab + ox] = firstIfEqual(rowMax[up + ox], bits, rowArg[up + ox], at);
                nan |= m != m;
            }
        }
        return !nan;
    }

    /** {@code position} when v's bits are {@code bits}, else {@code otherwise}, without a branch. */
    private static int firstIfEqual(float v, int bits, int position, int otherwise) {
        int diff = Float.floatToRawIntBits(v) ^ bits;
        int equal = ~((diff | -diff) >> 31); // all ones exactly when diff == 0
        return otherwise + (equal & (position - otherwise));
    }

    /** The float's order-preserving bits in the high half of a long (NaN largest, -0 as +0). */
    private static long key(float v) {
        int bits = Float.floatToIntBits(v + 0f);
        return (long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32;
    }

    private static float value(long key) {
        int bits = (int) (key >> 32);
        return Float.intBitsToFloat(bits ^ ((bits >> 31) & 0x7fffffff));
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
