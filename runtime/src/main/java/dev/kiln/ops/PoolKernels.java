package dev.kiln.ops;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

    /**
     * The even columns of two consecutive vectors a, b: {@code a.rearrange(EVEN_LANES)} holds a's in its
     * lower half, {@code b.rearrange(EVEN_LANES)} b's in its upper half (lane i takes lane 2i - L), and a
     * blend on {@link #UPPER_HALF} joins them. {@code ODD_LANES} does the same for the odd columns.
     */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(F, i -> 2 * i % F.length());
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(F, i -> (2 * i + 1) % F.length());
    /** Lanes L/2 to L-1: the lanes whose index, shifted down by L/2, is in [0, L/2). */
    private static final VectorMask<Float> UPPER_HALF = F.indexInRange(-F.length() / 2, F.length() / 2);
    /** NaN then zeros, then a vector of zeros: added to a row's left neighbours, it takes out the padding. */
    private static final float[] LEFT_PADDING = new float[2 * F.length()];

    static {
        LEFT_PADDING[0] = Float.NaN;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PoolKernels() {}

    /**
     * Max pooling: each output is the largest input of its window, and {@code argmax} receives its
     * position {@code iy * w + ix} in the plane. Ties go to the first position in row-major order, as
     * in PyTorch; NaN is larger than everything, so it propagates.
     */
    static void maxForward(Tensor x, int planes, int h, int w, int outH, int outW, int[] k, int[] s, int[] p,
            int[] d, Tensor out, int[] argmax) {
        MaxWindow win = MaxWindow.of(h, w, outH, outW, k, s, p, d);
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

    /**
     * Whether the vector loop pools the float plane at {@code x[in]}, into {@code out[0..]} and
     * {@code argmax[0..]}, rather than leaving it to the general loop (for tests: both give the same).
     */
    static boolean poolsOnVectors(float[] x, int in, int h, int w, int[] k, int[] s, int[] p, int[] d, float[] out,
            int[] argmax) {
        MaxWindow win = MaxWindow.of(h, w, (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1,
                (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1, k, s, p, d);
        return isHalving(win) && maxPlaneHalving(x, in, out, 0, argmax, 0, win, SCRATCH.get().halving(win));
    }

    /** The geometry of max pooling one plane; {@code lo[j]..hi[j]} are the output columns whose tap j is inside. */
    private record MaxWindow(int h, int w, int outH, int outW, int kh, int kw, int sh, int sw, int ph, int pw,
            int dh, int dw, int[] lo, int[] hi) {
        static MaxWindow of(int h, int w, int outH, int outW, int[] k, int[] s, int[] p, int[] d) {
            return new MaxWindow(h, w, outH, outW, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                    taps(outW, w, k[1], s[1], p[1], d[1], true), taps(outW, w, k[1], s[1], p[1], d[1], false));
        }
    }

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
     * of at least a vector's worth of outputs.
     */
    private static boolean isHalving(MaxWindow g) {
        return g.kh() == 3 && g.kw() == 3 && g.sh() == 2 && g.sw() == 2 && g.ph() == 1 && g.pw() == 1
                && g.dh() == 1 && g.dw() == 1 && g.h() == 2 * g.outH() && g.w() == 2 * g.outW()
                && g.outH() * g.outW() >= F.length() && g.h() * g.w() <= EXACT_POSITIONS;
    }

    /**
     * One float plane of a {@linkplain #isHalving halving} pool, separably and on whole vectors: first
     * each input row is reduced across each window's three columns ({@link #rowMaxima}), then each output
     * row across its three reduced rows ({@link #columnMaxima}). Within a row the first column wins ties
     * and across rows the first row does, so the winner is the first maximum in row-major order, as in
     * PyTorch (+0 and -0 are equal), and no position needs comparing. Returns false, its output
     * unfinished, when the plane holds a NaN, whose comparisons are all false, or when its vectors would
     * read outside the array (a plane at the array's start, or at its end where the last row's vectors
     * overrun it): the caller redoes that plane with {@link #maxPlane}, which ranks NaN above everything.
     */
    private static boolean maxPlaneHalving(float[] x, int in, float[] out, int outOff, int[] argmax, int o,
            MaxWindow g, HalvingBuffers buf) {
        int lastChunk = (g.outW() - 1) / F.length() * F.length();
        if (in == 0 || in + (g.h() - 1) * g.w() + 2 * lastChunk + 2 * F.length() > x.length
                || !rowMaxima(x, in, g, buf)) {
            return false;
        }
        columnMaxima(g, buf, out, outOff);
        for (int k = 0, n = g.outH() * g.outW(); k < n; k++) {
            argmax[o + k] = (int) buf.winners[k];
        }
        return true;
    }

    /**
     * Each input row's maxima over the windows' columns {@code 2ox-1, 2ox, 2ox+1} (the first on ties; the
     * padding column left of column 0 never wins) and their plane positions: even rows into
     * {@code evenMax}, odd rows into {@code oddMax} after its padding row, so that output row oy finds its
     * three rows at the same index oy * outW in each. Each lane holds one output column: two vectors of
     * the row are split into even and odd columns by lane shuffles. Lanes past the row's end land where
     * the next row of the same buffer goes, written again later, or in the buffers' slack.
     * False, the buffers unfinished, at the first NaN (or one the vectors read past the row, up to 2L - 1
     * columns on, in later rows or the next plane: the caller then redoes the plane, correctly).
     */
    private static boolean rowMaxima(float[] x, int in, MaxWindow g, HalvingBuffers buf) {
        int lanes = F.length();
        int outW = g.outW();
        FloatVector evenIota = FloatVector.zero(F).addIndex(2);
        for (int iy = 0; iy < g.h(); iy++) {
            boolean even = (iy & 1) == 0;
            float[] maxima = even ? buf.evenMax : buf.oddMax;
            float[] positions = even ? buf.evenPos : buf.oddPos;
            int dst = (even ? iy >> 1 : (iy >> 1) + 1) * outW;
            int rowStart = iy * g.w();
            for (int ox = 0; ox < outW; ox += lanes) {
                int at = rowStart + 2 * ox;
                int c = in + at;
                FloatVector a = FloatVector.fromArray(F, x, c);
                FloatVector b = FloatVector.fromArray(F, x, c + lanes);
                FloatVector center = a.rearrange(EVEN_LANES).blend(b.rearrange(EVEN_LANES), UPPER_HALF);
                FloatVector right = a.rearrange(ODD_LANES).blend(b.rearrange(ODD_LANES), UPPER_HALF);
                if (center.compare(VectorOperators.NE, center).or(right.compare(VectorOperators.NE, right))
                        .anyTrue()) { // only NaN differs from itself
                    return false;
                }
                FloatVector left = FloatVector.fromArray(F, x, c - 1).rearrange(EVEN_LANES)
                        .blend(FloatVector.fromArray(F, x, c - 1 + lanes).rearrange(EVEN_LANES), UPPER_HALF);
                // NaN in lane 0 of a row's first vector: the padding column compares false with everything.
                FloatVector padding = FloatVector.fromArray(F, LEFT_PADDING, ox == 0 ? 0 : lanes);
                VectorMask<Float> leftWins = left.add(padding).compare(VectorOperators.GE, center);
                FloatVector centerAt = evenIota.add(at);
                FloatVector best = center.blend(left, leftWins);
                FloatVector bestAt = centerAt.blend(centerAt.sub(1f), leftWins);
                VectorMask<Float> rightWins = right.compare(VectorOperators.GT, best);
                best.blend(right, rightWins).intoArray(maxima, dst + ox);
                bestAt.blend(centerAt.add(1f), rightWins).intoArray(positions, dst + ox);
            }
        }
        return true;
    }

    /**
     * Each output's maximum over its three reduced rows (the first on ties), straight into {@code out}, and
     * its position into {@code buf.winners}: flat over the plane, the last vector overlapping the one
     * before. Above output row 0 the odd rows' padding row holds NaN, which never wins.
     */
    private static void columnMaxima(MaxWindow g, HalvingBuffers buf, float[] out, int outOff) {
        int n = g.outH() * g.outW();
        int outW = g.outW();
        for (int k = 0; ; k += F.length()) {
            k = Math.min(k, n - F.length());
            FloatVector up = FloatVector.fromArray(F, buf.oddMax, k);
            FloatVector mid = FloatVector.fromArray(F, buf.evenMax, k);
            FloatVector down = FloatVector.fromArray(F, buf.oddMax, k + outW);
            VectorMask<Float> upWins = up.compare(VectorOperators.GE, mid);
            FloatVector best = mid.blend(up, upWins);
            FloatVector bestAt = FloatVector.fromArray(F, buf.evenPos, k)
                    .blend(FloatVector.fromArray(F, buf.oddPos, k), upWins);
            VectorMask<Float> downWins = down.compare(VectorOperators.GT, best);
            best.blend(down, downWins).intoArray(out, outOff + k);
            bestAt.blend(FloatVector.fromArray(F, buf.oddPos, k + outW), downWins).intoArray(buf.winners, k);
            if (k == n - F.length()) {
                break;
            }
        }
    }

    /** The working rows of {@link #maxPlaneHalving}: the rows' maxima, even and odd, and the winners. */
    private static final class HalvingBuffers {
        final float[] evenMax;
        final float[] evenPos;
        final float[] oddMax;
        final float[] oddPos;
        final float[] winners;

        /** Buffers for planes of up to {@code n} outputs ({@code outH * outW}) of {@code outW <= n} columns. */
        HalvingBuffers(int n) {
            // A vector's slack after the last row, and on the odd side a padding row (at most n wide) before.
            evenMax = new float[n + F.length()];
            evenPos = new float[n + F.length()];
            oddMax = new float[2 * n + F.length()];
            oddPos = new float[2 * n + F.length()];
            winners = new float[n];
        }

        boolean fits(int n) {
            return winners.length >= n;
        }

        /** Fills the odd rows' padding row, which a narrower plane before (fewer output columns) wrote over. */
        HalvingBuffers padFor(MaxWindow g) {
            java.util.Arrays.fill(oddMax, 0, g.outW(), Float.NaN);
            return this;
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
            int n = g.outH() * g.outW();
            if (halving.fits(n)) {
                return halving.padFor(g);
            }
            HalvingBuffers fresh = new HalvingBuffers(n);
            if (n <= KEPT) {
                halving = fresh;
            }
            return fresh.padFor(g);
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
