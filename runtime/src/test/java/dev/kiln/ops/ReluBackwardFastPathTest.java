package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ReLU's backward on float32 runs whole vectors through the Vector API and the rest through a scalar
 * loop; both must pass {@code g} exactly where the saved output is positive (bit for bit, so a NaN or
 * infinite gradient passes unchanged) and give +0 elsewhere, for -0, zeros and negatives alike.
 */
class ReluBackwardFastPathTest {
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -2f, 3f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};

    /** The expected value, from the definition: g where out > 0, else +0. */
    private static float expected(float out, float g) {
        return out > 0 ? g : 0f;
    }

    private static void check(float[] out, float[] g, int offset) {
        int n = out.length - offset;
        Tensor o = Tensor.of(out, out.length).slice(0, offset, out.length);
        Tensor gt = Tensor.of(g, g.length).slice(0, offset, g.length);
        float[] actual = Elementwise.reluBackward(gt, o).contiguous().toFloatArray();
        for (int i = 0; i < n; i++) {
            float e = expected(out[offset + i], g[offset + i]);
            assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(actual[i]),
                    "length " + n + ", offset " + offset + ", element " + i + ": out " + out[offset + i] + ", g "
                            + g[offset + i] + " gave " + actual[i]);
        }
    }

    @Test
    void everyLengthAroundTheVectorSizeAndEveryOffset() {
        Generator gen = new Generator(3);
        for (int length = 1; length <= 70; length++) {
            float[] out = new float[length];
            float[] g = new float[length];
            for (int i = 0; i < length; i++) {
                out[i] = gen.nextDouble() < 0.3 ? SPECIAL[(int) (gen.nextDouble() * SPECIAL.length)]
                        : (float) (gen.nextDouble() * 2 - 1);
                g[i] = gen.nextDouble() < 0.1 ? SPECIAL[(int) (gen.nextDouble() * SPECIAL.length)]
                        : (float) (gen.nextDouble() * 4 - 2);
            }
            for (int offset = 0; offset < Math.min(length, 3); offset++) {
                check(out, g, offset);
            }
        }
    }

    @Test
    void aNaNGradientPassesWhereTheOutputIsPositive() {
        float nan = Float.intBitsToFloat(0x7fc01234);
        float[] out = new float[40];
        float[] g = new float[40];
        for (int i = 0; i < out.length; i++) {
            out[i] = i % 2 == 0 ? 1f : -1f;
            g[i] = nan;
        }
        check(out, g, 0);
    }

    @Test
    void aLargeActivationMapAsInTheSeedCnn() {
        Tensor out = Ops.relu(Tensor.randn(new Generator(9), DType.FLOAT32, 2, 16, 28, 28));
        Tensor g = Tensor.randn(new Generator(10), DType.FLOAT32, 2, 16, 28, 28);
        float[] o = out.toFloatArray();
        float[] gv = g.toFloatArray();
        float[] actual = Elementwise.reluBackward(g, out).toFloatArray();
        for (int i = 0; i < o.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected(o[i], gv[i])), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }
}
