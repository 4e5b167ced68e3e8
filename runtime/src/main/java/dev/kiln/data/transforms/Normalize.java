package dev.kiln.data.transforms;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * Per-channel standardisation {@code (x - mean[c]) / std[c]} of a float32 image [C, H, W] (shape
 * unchanged), like torchvision's {@code Normalize}; one value stands for every channel. MNIST's
 * usual values are {@code new Normalize(new float[] {0.1307f}, new float[] {0.3081f})}.
 */
public final class Normalize implements Transform {
    private final float[] mean;
    private final float[] std;

    /** Normalizes with the given per-channel means and standard deviations (equal lengths, std non-zero). */
    public Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean " + Arrays.toString(mean) + " and std "
                    + Arrays.toString(std) + " must be non-empty and of equal length");
        }
        for (float s : std) {
            if (s == 0 || !Float.isFinite(s)) {
                throw new IllegalArgumentException("Normalize: std " + Arrays.toString(std)
                        + " must be finite and non-zero (it divides)");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Tensor apply(Tensor image, Generator generator) {
        Tensor x = Images.check("Normalize", image);
        int c = x.size(0);
        if (mean.length != 1 && mean.length != c) {
            throw new ShapeException("Normalize: " + mean.length + " means and stds for an image of shape "
                    + Shapes.str(x.shape()) + " with " + c + " channels");
        }
        int plane = x.size(1) * x.size(2);
        float[] in = x.storage().floats();
        int base = x.offset();
        float[] out = new float[c * plane];
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float s = std[std.length == 1 ? 0 : ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                // Subtract then divide in float32, the order torchvision uses, for identical results.
                out[i] = (in[base + i] - m) / s;
            }
        }
        return Images.wrap(out, x.shape());
    }
}
