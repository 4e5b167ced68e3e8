package dev.kiln.data.transforms;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * Mirrors a float32 image [C, H, W] left to right with probability {@code p} (shape unchanged),
 * like torchvision's {@code RandomHorizontalFlip}.
 */
public final class RandomHorizontalFlip implements Transform {
    private final double p;

    /** Flips with probability 0.5. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    /** Flips with probability {@code p} in [0, 1]. */
    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public Tensor apply(Tensor image, Generator generator) {
        Tensor x = Images.check("RandomHorizontalFlip", image);
        if (!(generator.nextDouble() < p)) {
            return image;
        }
        int rows = x.size(0) * x.size(1);
        int w = x.size(2);
        float[] in = x.storage().floats();
        int base = x.offset();
        float[] out = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            int src = base + r * w;
            int dst = r * w + w - 1;
            for (int i = 0; i < w; i++) {
                out[dst - i] = in[src + i];
            }
        }
        return Images.wrap(out, x.shape());
    }
}
