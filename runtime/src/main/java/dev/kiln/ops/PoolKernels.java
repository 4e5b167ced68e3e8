package dev.kiln.ops;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU loops of 2-d pooling over {@code planes} independent {@code h x w} planes (batch times
 * channels), split over the worker threads. Inputs are contiguous, outputs allocated (zeroed) by the
 * caller; {@code float[]} for float32, {@code double[]} for float64.
 */
final class PoolKernels {
    /**
     * Kiln's one vector shape: the JDK 17 Vector API compiles to vector instructions only where a call's
     * vectors have one shape, so a second shape anywhere in the process slows every kernel that shares
     * its methods.
     */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /**
     * Plane positions travel as floats beside the values they locate, so that one comparison mask
     * selects both (casting a mask to another element type falls back to per-lane Java code on JDK 17):
     * floats hold every integer below 2^24 exactly.
     */
    static final int EXACT_POSITIONS = 1 << 24;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
            Scratch scratch = SCRATCH.get();
            long[] rowKeys = xa instanceof float[] ? scratch.rowKeys(h * outW) : null;
            long[] best = xa instanceof float[] ? scratch.best(outW) : null;
            HalvingBuffers buffers = halving ? scratch.halving(win) : null;
            for (int pl = p0; pl < p1; pl++) {
                int in = x.offset() + pl * h * w;
                int o = pl * outPlane;
                if (xa instanceof float[] f) {
                    if (!halving || !maxPlaneHalving(f, in, (float[]) oa, out.offset() + o, argmax, o, win,
                            buffers)) {
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
            java.util.Arrays.fill(best, 0, outW, Long.MIN_VALUE);
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
                boolean empty = (b & 0xFFFF) == 0; // no tap in range: no row (MIN_VALUE) or no column
                int at = (oy * g.sh() - g.ph() + i * g.dh()) * g.w() + ox * g.sw() - g.pw() + j * g.dw();
                // The winner itself, not the key's value: a -0 stays -0 and a NaN keeps its payload.
                out[outOff + oy * outW + ox] = empty ? Float.NEGATIVE_INFINITY : x[in + at];
                argmax[o] = empty ? -1 : at;
            }
        }
    }

    /**
     * A 3x3 window at stride 2 with padding 1 over an even-sized plane (the common down-sampling pool)
     * of at least a vector's worth of output rows' columns.
     */
    private static boolean isHalving(MaxWindow g) {
        return g.kh() == 3 && g.kw() == 3 && g.sh() == 2 && g.sw() == 2 && g.ph() == 1 && g.pw() == 1
                && g.dh() == 1 && g.dw() == 1 && g.h() == 2 * g.outH() && g.w() == 2 * g.outW()
                && g.outH() * g.w() >= F.length() && g.h() * g.w() <= EXACT_POSITIONS;
    }

    /**
     * One float plane of a {@linkplain #isHalving halving} pool, separably and on whole vectors: first
     * each output row's three input rows are reduced per column ({@code colMax}, with the winning plane
     * position in {@code colPos}), then each such column against its two neighbours over the flat
     * buffer, and every other column is kept. A later candidate wins only when it is larger, or equal at
     * an earlier plane position, so the winner is the first maximum in row-major order, as in PyTorch
     * (+0 and -0 are equal). The padding row above output row 0 is replaced by row 0 itself and the
     * padding column left of output column 0 is left out, which changes no maximum. Returns false, its
     * output unfinished, when the plane holds a NaN, whose comparisons are all false: the caller redoes
     * that plane with {@link #maxPlane}, which ranks NaN above everything.
     */
    private static boolean maxPlaneHalving(float[] x, int in, float[] out, int outOff, int[] argmax, int o,
            MaxWindow g, HalvingBuffers buf) {
        if (!columnMaxima(x, in, g, buf.colMax, buf.colPos)) {
            return false;
        }
        neighbourMaxima(g.outH() * g.w(), buf);
        int w = g.w();
        float[] colMax = buf.colMax;
        float[] colPos = buf.colPos;
        for (int oy = 0; oy < g.outH(); oy++) {
            int f = oy * w;
            int ob = outOff + oy * g.outW();
            int ab = o + oy * g.outW();
            float left = colMax[1 + f];
            float right = colMax[2 + f];
            boolean rightWins = right > left || right == left && colPos[2 + f] < colPos[1 + f];
            out[ob] = rightWins ? right : left;
            argmax[ab] = (int) (rightWins ? colPos[2 + f] : colPos[1 + f]);
            for (int ox = 1; ox < g.outW(); ox++) {
                out[ob + ox] = buf.rowMax[f + 2 * ox];
                argmax[ab + ox] = (int) buf.rowPos[f + 2 * ox];
            }
        }
        return true;
    }

    /**
     * {@code colMax[1 + oy * w + c]}: the largest of input rows 2oy-1, 2oy and 2oy+1 in column c (the
     * first of them on ties; row -1 is padding and replaced by row 0), and its plane position in
     * {@code colPos}. False, and the buffers unfinished, at the first NaN (or at one in the next row or
     * plane, which a vector may read past the row's end: the caller then redoes the plane, correctly).
     */
    private static boolean columnMaxima(float[] x, int in, MaxWindow g, float[] colMax, float[] colPos) {
        int w = g.w();
        int lanes = F.length();
        FloatVector iota = FloatVector.zero(F).addIndex(1);
        for (int oy = 0; oy < g.outH(); oy++) {
            int mid = 2 * oy * w;
            int up = oy == 0 ? mid : mid - w;
            int down = mid + w;
            int row = 1 + oy * w; // colMax[0] stands left of the first column and is never kept
            // A vector may run past the row's end: its extra lanes land where the next row's columns go,
            // written again when that row is reduced, or in the buffer's slack after the last row.
            for (int c = 0; c < w; c += lanes) {
                if (in + down + c + lanes > x.length) { // the array's last row: one by one, not past its end
                    if (!columnMaxima(x, in, up, mid, down, c, w, row, colMax, colPos)) {
                        return false;
                    }
                    break;
                }
                FloatVector u = FloatVector.fromArray(F, x, in + up + c);
                FloatVector m = FloatVector.fromArray(F, x, in + mid + c);
                FloatVector d = FloatVector.fromArray(F, x, in + down + c);
                if (u.compare(VectorOperators.NE, u).or(m.compare(VectorOperators.NE, m))
                        .or(d.compare(VectorOperators.NE, d)).anyTrue()) { // only NaN differs from itself
                    return false;
                }
                VectorMask<Float> midWins = m.compare(VectorOperators.GT, u);
                FloatVector best = u.blend(m, midWins);
                FloatVector at = iota.add(up + c).blend(iota.add(mid + c), midWins);
                VectorMask<Float> downWins = d.compare(VectorOperators.GT, best);
                best.blend(d, downWins).intoArray(colMax, row + c);
                at.blend(iota.add(down + c), downWins).intoArray(colPos, row + c);
            }
        }
        return true;
    }

    /** Columns {@code from..w-1} of one output row of {@link #columnMaxima}, one by one. */
    private static boolean columnMaxima(float[] x, int in, int up, int mid, int down, int from, int w, int row,
            float[] colMax, float[] colPos) {
        for (int c = from; c < w; c++) {
            float u = x[in + up + c];
            float m = x[in + mid + c];
            float d = x[in + down + c];
            if (u != u || m != m || d != d) {
                return false;
            }
            float best = m > u ? m : u;
            int at = m > u ? mid + c : up + c;
            colMax[row + c] = d > best ? d : best;
            colPos[row + c] = d > best ? down + c : at;
        }
        return true;
    }

    /**
     * {@code rowMax[f]}: the largest of {@code colMax[f..f+2]} (columns c-1, c and c+1 of the flat
     * buffer), the earliest plane position on ties, and its position in {@code rowPos}.
     */
    private static void neighbourMaxima(int n, HalvingBuffers buf) {
        for (int f = 0; ; f += F.length()) {
            f = Math.min(f, n - F.length());
            FloatVector best = FloatVector.fromArray(F, buf.colMax, f);
            FloatVector at = FloatVector.fromArray(F, buf.colPos, f);
            for (int k = 1; k <= 2; k++) {
                FloatVector v = FloatVector.fromArray(F, buf.colMax, f + k);
                FloatVector vAt = FloatVector.fromArray(F, buf.colPos, f + k);
                VectorMask<Float> wins = v.compare(VectorOperators.GT, best)
                        .or(v.compare(VectorOperators.EQ, best).and(vAt.compare(VectorOperators.LT, at)));
                best = best.blend(v, wins);
                at = at.blend(vAt, wins);
            }
            best.intoArray(buf.rowMax, f);
            at.intoArray(buf.rowPos, f);
            if (f == n - F.length()) {
                break;
            }
        }
    }

    /** The working rows of {@link #maxPlaneHalving}: the column maxima and their neighbourhoods' maxima. */
    private static final class HalvingBuffers {
        final float[] colMax;
        final float[] colPos;
        final float[] rowMax;
        final float[] rowPos;

        /** Buffers for planes of up to {@code n} kept columns ({@code outH * w}). */
        HalvingBuffers(int n) {
            // One column before the first and one after the last, for the neighbours, then a vector's slack.
            colMax = new float[n + 2 + F.length()];
            colPos = new float[n + 2 + F.length()];
            rowMax = new float[n];
            rowPos = new float[n];
        }

        boolean fits(int n) {
            return rowMax.length >= n;
        }
    }

    /**
     * Each thread's working rows for the float kernels, reused from call to call so that pooling
     * allocates nothing once warm (every element a plane reads is written for that plane). Rows for
     * planes above {@link #KEPT} elements are made per call instead, so that one huge pool does not
     * pin its buffers on every thread for good.
     */
    private static final class Scratch {
        /** The largest buffer, in elements, that a thread keeps: 8 MB of keys (a 2048 x 1024 plane at stride 2). */
        private static final int KEPT = 1 << 20;

        private long[] rowKeys = new long[0];
        private long[] best = new long[0];
        private HalvingBuffers halving = new HalvingBuffers(0);

        long[] rowKeys(int n) {
            long[] keys = fit(rowKeys, n);
            if (n <= KEPT) {
                rowKeys = keys;
            }
            return keys;
        }

        long[] best(int n) {
            long[] row = fit(best, n);
            if (n <= KEPT) {
                best = row;
            }
            return row;
        }

        private static long[] fit(long[] kept, int n) {
            return kept.length >= n ? kept : new long[n];
        }

        HalvingBuffers halving(MaxWindow g) {
            int n = g.outH() * g.w();
            if (halving.fits(n)) {
                return halving;
            }
            HalvingBuffers fresh = new HalvingBuffers(n);
            if (n <= KEPT) {
                halving = fresh;
            }
            return fresh;
        }
    }

    /** The float's order-preserving bits in the high half of a long (NaN largest, -0 as +0). */
    private static long key(float v) {
        int bits = Float.floatToIntBits(v + 0f);
        return (long) (bits ^ ((bits >> 31) & 0x7fffffff)) << 32;
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

    /**
     * {@code gx[plane] = 0; gx[plane][argmax[o]] += g[o]}: the adjoint of picking the maxima (a window
     * whose position is -1 sends nothing). Each plane is cleared by the thread that fills it, just before,
     * while it is in that core's cache. Given {@code reluMaxima}, the windows' maxima, a window whose
     * maximum ReLU's backward would stop sends nothing either: ReLU's rule after the plain scatter, bit for
     * bit, since the winner holds that maximum.
     */
    static void scatter(Tensor g, int[] argmax, Tensor reluMaxima, int planes, int inPlane, int outPlane, Tensor gx) {
        Object ga = ConvKernels.array(g);
        Object xa = ConvKernels.array(gx);
        Object ma = reluMaxima == null ? null : ConvKernels.array(reluMaxima);
        int mo = reluMaxima == null ? 0 : reluMaxima.offset();
        int go = g.offset();
        int xo = gx.offset();
        Parallel.forRange(planes, inPlane + outPlane, (p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int in = xo + pl * inPlane;
                int o0 = pl * outPlane;
                if (xa instanceof float[] f) {
                    java.util.Arrays.fill(f, in, in + inPlane, 0f);
                    scatterPlane((float[]) ga, go, argmax, (float[]) ma, mo, o0, o0 + outPlane, f, in);
                } else {
                    java.util.Arrays.fill((double[]) xa, in, in + inPlane, 0);
                    scatterPlane((double[]) ga, go, argmax, (double[]) ma, mo, o0, o0 + outPlane, (double[]) xa, in);
                }
            }
        });
    }

    /** Windows [o0, o1) of {@link #scatter}, into the cleared plane at {@code gx[in]}. */
    private static void scatterPlane(float[] g, int go, int[] argmax, float[] maxima, int mo, int o0, int o1,
            float[] gx, int in) {
        for (int o = o0; o < o1; o++) {
            int at = argmax[o];
            if (at >= 0 && (maxima == null || !reluStops(maxima[mo + o]))) {
                gx[in + at] += g[go + o];
            }
        }
    }

    /** Windows [o0, o1) of {@link #scatter}, into the cleared plane at {@code gx[in]}. */
    private static void scatterPlane(double[] g, int go, int[] argmax, double[] maxima, int mo, int o0, int o1,
            double[] gx, int in) {
        for (int o = o0; o < o1; o++) {
            int at = argmax[o];
            if (at >= 0 && (maxima == null || !reluStops(maxima[mo + o]))) {
                gx[in + at] += g[go + o];
            }
        }
    }

    /**
     * {@code argmax[o] = -1} wherever ReLU's backward would stop the gradient of an output of value
     * {@code maxima[o]}, so that a scatter of these positions equals ReLU's rule after the plain one, bit
     * for bit.
     */
    static void forgetWinnersReluStops(Tensor maxima, int[] argmax, int planes, int outPlane) {
        Object ma = ConvKernels.array(maxima);
        int mo = maxima.offset();
        Parallel.forRange(planes, outPlane, (p0, p1) -> {
            if (ma instanceof float[] f) {
                for (int o = p0 * outPlane; o < p1 * outPlane; o++) {
                    if (reluStops(f[mo + o])) {
                        argmax[o] = -1;
                    }
                }
            } else {
                double[] d = (double[]) ma;
                for (int o = p0 * outPlane; o < p1 * outPlane; o++) {
                    if (reluStops(d[mo + o])) {
                        argmax[o] = -1;
                    }
                }
            }
        });
    }

    /**
     * Whether ReLU's backward stops the gradient of an output of value {@code v}: the test of its kernel
     * ({@code BinaryOp.PASS_IF_POSITIVE}), the sign of {@code -v & ~v} over the raw bits, which passes
     * positive values and NaNs whose sign bit is clear.
     */
    private static boolean reluStops(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (-bits & ~bits) >= 0;
    }

    /** Whether ReLU's backward stops the gradient of a double output of value {@code v}: unless {@code v > 0}. */
    private static boolean reluStops(double v) {
        return !(v > 0);
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
