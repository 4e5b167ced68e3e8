package dev.kiln.ops;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward of {@code maxPool2d(relu(conv2d(x, w, b)))} for a one-channel float input (a grey-scale
 * network's first layer) whose output channels fill whole vectors: each sample's convolution is written
 * channels-last, one vector of channels per position, into a per-thread buffer padded with -inf, so the pool
 * compares whole vectors of channels tap by tap. In the usual channels-first layout the pool has to pick
 * every other column out of each row, which on the Vector API costs as much as the pooling itself: W3's first
 * pool took 17 us per sample that way.
 *
 * <p>The convolution adds its products in the order the matrix product of {@link ConvKernels#forward} does
 * (one fused multiply-add per kernel tap, in order, from zero, then the bias; kernels of at most
 * {@link #MAX_TAPS} taps, which the product sums in one chain), ReLU is {@code max(v, 0)}, and
 * the pool keeps a later tap only when it is strictly larger: the first maximum in row-major order, as
 * {@link PoolKernels#maxForward} keeps it. The maxima and their positions are those of the three ops in
 * sequence, bit for bit. The one exception is NaN, which no comparison lets win: a sample whose activations
 * hold one makes the caller take the general path for the whole batch ({@link #forward} returns false).
 */
final class ChannelsLastConvPool {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /**
     * The most taps the matrix product sums in one chain of fused multiply-adds (its depth block, {@code kc}):
     * past it, it adds the blocks' sums, so this forward's single chain would round differently.
     */
    static final int MAX_TAPS = 512;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][0]);

    private ChannelsLastConvPool() {}

    /**
     * Whether this forward computes the op: a float32 input of one channel, output channels a multiple of the
     * vector length, a convolution at stride 1 without dilation or groups and with at most {@link #MAX_TAPS} taps,
     * and a pool without dilation or ceil mode over a plane whose positions a float holds exactly. The pool's
     * arguments must have passed {@link PoolWindows#checkArgs}.
     */
    static boolean suits(ConvGeometry g, Tensor x, int[] poolDilation, boolean ceilMode) {
        return x.dtype() == DType.FLOAT32 && g.cIn() == 1 && g.groups() == 1 && g.cOut() % F.length() == 0
                && g.strideH() == 1 && g.strideW() == 1 && g.dilH() == 1 && g.dilW() == 1
                && g.kh() * g.kw() <= MAX_TAPS && poolDilation[0] == 1 && poolDilation[1] == 1 && !ceilMode
                && (long) g.outH() * g.outW() <= PoolKernels.EXACT_POSITIONS;
    }

    /**
     * Writes the pooled maxima into {@code out} and their plane positions into {@code argmax}; false, with both
     * unfinished, when an activation is NaN.
     */
    static boolean forward(ConvGeometry g, Tensor x, Tensor w, Tensor b, int[] kernel, int[] poolStride,
            int[] poolPadding, Tensor out, int[] argmax) {
        Layout layout = Layout.of(g, kernel, poolStride, poolPadding);
        float[] weightRows = weightRows(g, w, b);
        float[] xa = x.storage().floats();
        float[] oa = out.storage().floats();
        AtomicBoolean sawNaN = new AtomicBoolean();
        long cost = 2L * g.cOut() * g.kh() * g.kw() * g.outH() * g.outW();
        Parallel.forRange(g.n(), cost, (s, e) -> {
            float[][] scratch = SCRATCH.get();
            // The paddings are filled once per chunk: the samples only ever write inside them.
            float[] input = filled(buffer(scratch, 0, layout.inputLength), layout.inputLength, 0f);
            float[] activations = filled(buffer(scratch, 1, layout.activationLength), layout.activationLength,
                    Float.NEGATIVE_INFINITY);
            float[] maxima = buffer(scratch, 2, layout.pooledLength);
            float[] positions = buffer(scratch, 3, layout.pooledLength);
            for (int i = s; i < e && !sawNaN.get(); i++) {
                layout.copyInput(xa, x.offset() + i * g.h() * g.w(), input);
                if (!convolve(layout, input, weightRows, activations)) {
                    sawNaN.set(true);
                    return;
                }
                pool(layout, activations, maxima, positions);
                layout.storeChannelsFirst(maxima, positions, oa, out.offset(), argmax, i);
            }
        });
        return !sawNaN.get();
    }

    /**
     * The weights as {@code [tap][cOut]}, each tap's weights of every output channel side by side, then the
     * biases (zeros without a bias): in a tensor, so that a training step's arena recycles it.
     */
    private static float[] weightRows(ConvGeometry g, Tensor w, Tensor b) {
        int taps = g.kh() * g.kw();
        int cOut = g.cOut();
        float[] rows = Tensor.empty(DType.FLOAT32, (taps + 1) * cOut).storage().floats();
        float[] wa = w.storage().floats();
        for (int c = 0; c < cOut; c++) {
            for (int t = 0; t < taps; t++) {
                rows[t * cOut + c] = wa[w.offset() + c * taps + t];
            }
            rows[taps * cOut + c] = b == null ? 0f : b.storage().floats()[b.offset() + c];
        }
        return rows;
    }

    /**
     * ReLU of the convolution of one sample into {@code activations}, channels last, four positions at a time
     * (four independent sums per fused multiply-add, which would otherwise each wait for the one before); false
     * at a NaN.
     */
    private static boolean convolve(Layout layout, float[] input, float[] weightRows, float[] activations) {
        int lanes = F.length();
        int cOut = layout.cOut;
        int[] taps = layout.inputTaps;
        int outW = layout.outW;
        // ReLU's outputs are at least 0, +inf or NaN, so their sum is NaN exactly when one of them is. (A scalar:
        // a vector carried through the nested loops would be boxed on every iteration.)
        float sum = 0f;
        for (int cb = 0; cb < cOut; cb += lanes) {
            FloatVector biasV = FloatVector.fromArray(F, weightRows, taps.length * cOut + cb);
            for (int oy = 0; oy < layout.outH; oy++) {
                int row = oy * layout.inputWidth;
                int activationRow = (oy + layout.padTop) * layout.activationWidth + layout.padLeft;
                for (int ox = 0; ox < outW; ox += 4) {
                    // A row's last group re-uses its last position, computed and stored twice alike.
                    int x0 = row + ox;
                    int x1 = row + Math.min(ox + 1, outW - 1);
                    int x2 = row + Math.min(ox + 2, outW - 1);
                    int x3 = row + Math.min(ox + 3, outW - 1);
                    FloatVector a0 = FloatVector.zero(F);
                    FloatVector a1 = FloatVector.zero(F);
                    FloatVector a2 = FloatVector.zero(F);
                    FloatVector a3 = FloatVector.zero(F);
                    for (int t = 0; t < taps.length; t++) {
                        FloatVector wv = FloatVector.fromArray(F, weightRows, t * cOut + cb);
                        int at = taps[t];
                        a0 = FloatVector.broadcast(F, input[x0 + at]).fma(wv, a0);
                        a1 = FloatVector.broadcast(F, input[x1 + at]).fma(wv, a1);
                        a2 = FloatVector.broadcast(F, input[x2 + at]).fma(wv, a2);
                        a3 = FloatVector.broadcast(F, input[x3 + at]).fma(wv, a3);
                    }
                    a0 = a0.add(biasV).max(0f);
                    a1 = a1.add(biasV).max(0f);
                    a2 = a2.add(biasV).max(0f);
                    a3 = a3.add(biasV).max(0f);
                    sum += a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                    int base = activationRow + ox;
                    a0.intoArray(activations, base * cOut + cb);
                    a1.intoArray(activations, (activationRow + Math.min(ox + 1, outW - 1)) * cOut + cb);
                    a2.intoArray(activations, (activationRow + Math.min(ox + 2, outW - 1)) * cOut + cb);
                    a3.intoArray(activations, (activationRow + Math.min(ox + 3, outW - 1)) * cOut + cb);
                }
            }
        }
        return sum == sum;
    }

    /**
     * The pool over one sample's activations: per output position and vector of channels, the taps in
     * row-major order, a later one kept only when strictly larger; padding is -inf and never kept.
     */
    private static void pool(Layout layout, float[] activations, float[] maxima, float[] positions) {
        int lanes = F.length();
        int cOut = layout.cOut;
        int[] taps = layout.poolTaps;
        float[] tapPositions = layout.tapPositions;
        for (int q = 0; q < layout.pooledPlane; q++) {
            int origin = layout.windowOrigins[q];
            int tapBase = q * taps.length;
            for (int cb = 0; cb < cOut; cb += lanes) {
                // Every activation is at least 0 and every window holds one (padding <= kernel / 2), so the -inf
                // start, like the padding, is always beaten and its position never kept.
                FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                FloatVector at = FloatVector.broadcast(F, -1f);
                for (int t = 0; t < taps.length; t++) {
                    FloatVector v = FloatVector.fromArray(F, activations, (origin + taps[t]) * cOut + cb);
                    VectorMask<Float> larger = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, larger);
                    at = at.blend(tapPositions[tapBase + t], larger);
                }
                best.intoArray(maxima, q * cOut + cb);
                at.intoArray(positions, q * cOut + cb);
            }
        }
    }

    /** Buffer {@code slot} of the calling thread, at least {@code length} long, kept for the next call. */
    private static float[] buffer(float[][] scratch, int slot, int length) {
        if (scratch[slot].length < length) {
            scratch[slot] = new float[length];
        }
        return scratch[slot];
    }

    private static float[] filled(float[] buffer, int length, float value) {
        Arrays.fill(buffer, 0, length, value);
        return buffer;
    }

    /** Where one sample's values live in the per-thread buffers, and the offsets of every tap. */
    private static final class Layout {
        /** The layouts of the last few geometries: a training step meets the same ones batch after batch. */
        private static final Map<List<Integer>, Layout> RECENT = Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<List<Integer>, Layout> eldest) {
                        return size() > 8;
                    }
                });

        final int cOut;
        final int outH;
        final int outW;
        final int inputWidth;
        final int inputLength;
        final int[] inputTaps;
        final int padTop;
        final int padLeft;
        final int activationWidth;
        final int activationLength;
        final int pooledH;
        final int pooledW;
        final int pooledPlane;
        final int pooledLength;
        final int[] poolTaps;
        final int[] windowOrigins;
        /** Per output position and tap, the tap's plane position as a float (-1, never kept, for padding). */
        final float[] tapPositions;
        private final int h;
        private final int w;
        private final int convPadH;
        private final int convPadW;

        static Layout of(ConvGeometry g, int[] kernel, int[] stride, int[] padding) {
            List<Integer> key = List.of(g.h(), g.w(), g.cOut(), g.kh(), g.kw(), g.padH(), g.padW(), kernel[0],
                    kernel[1], stride[0], stride[1], padding[0], padding[1]);
            return RECENT.computeIfAbsent(key, k -> new Layout(g, kernel, stride, padding));
        }

        private Layout(ConvGeometry g, int[] kernel, int[] stride, int[] padding) {
            h = g.h();
            w = g.w();
            convPadH = g.padH();
            convPadW = g.padW();
            cOut = g.cOut();
            outH = g.outH();
            outW = g.outW();
            // The input with the convolution's zero padding around it.
            inputWidth = g.w() + 2 * g.padW();
            inputLength = (g.h() + 2 * g.padH()) * inputWidth;
            inputTaps = new int[g.kh() * g.kw()];
            for (int ky = 0, t = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++) {
                    inputTaps[t++] = ky * inputWidth + kx;
                }
            }
            // The activations with the pool's -inf padding around them, channels last.
            padTop = padding[0];
            padLeft = padding[1];
            pooledH = (outH + 2 * padding[0] - kernel[0]) / stride[0] + 1;
            pooledW = (outW + 2 * padding[1] - kernel[1]) / stride[1] + 1;
            int activationHeight = Math.max(outH + 2 * padding[0], (pooledH - 1) * stride[0] + kernel[0]);
            activationWidth = Math.max(outW + 2 * padding[1], (pooledW - 1) * stride[1] + kernel[1]);
            activationLength = activationHeight * activationWidth * cOut;
            pooledPlane = pooledH * pooledW;
            pooledLength = pooledPlane * cOut;
            poolTaps = new int[kernel[0] * kernel[1]];
            for (int ky = 0, t = 0; ky < kernel[0]; ky++) {
                for (int kx = 0; kx < kernel[1]; kx++) {
                    poolTaps[t++] = ky * activationWidth + kx;
                }
            }
            windowOrigins = new int[pooledPlane];
            tapPositions = new float[pooledPlane * poolTaps.length];
            for (int py = 0, q = 0; py < pooledH; py++) {
                for (int px = 0; px < pooledW; px++, q++) {
                    windowOrigins[q] = py * stride[0] * activationWidth + px * stride[1];
                    for (int ky = 0, t = 0; ky < kernel[0]; ky++) {
                        for (int kx = 0; kx < kernel[1]; kx++, t++) {
                            int iy = py * stride[0] - padding[0] + ky;
                            int ix = px * stride[1] - padding[1] + kx;
                            boolean inside = iy >= 0 && iy < outH && ix >= 0 && ix < outW;
                            tapPositions[q * poolTaps.length + t] = inside ? iy * outW + ix : -1;
                        }
                    }
                }
            }
        }

        /** Copies one sample's plane inside the zero padding (the buffer's padding is zero already). */
        void copyInput(float[] x, int from, float[] input) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, from + y * w, input, (y + convPadH) * inputWidth + convPadW, w);
            }
        }

        /** Writes sample i's pooled maxima and positions, held channels last, into the channels-first outputs. */
        void storeChannelsFirst(float[] maxima, float[] positions, float[] out, int outOffset, int[] argmax, int i) {
            for (int c = 0; c < cOut; c++) {
                int plane = (i * cOut + c) * pooledPlane;
                for (int q = 0, from = c; q < pooledPlane; q++, from += cOut) {
                    out[outOffset + plane + q] = maxima[from];
                    argmax[plane + q] = (int) positions[from];
                }
            }
        }
    }
}
