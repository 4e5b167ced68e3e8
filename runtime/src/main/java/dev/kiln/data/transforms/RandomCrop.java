package dev.kiln.data.transforms;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * Pads a float32 image [C, H, W] with {@code padding} zeros on every side, then cuts a random
 * window [C, height, width] out of it, like torchvision's {@code RandomCrop(size, padding)};
 * CIFAR-10's usual augmentation is {@code new RandomCrop(32, 4)}.
 */
public final class RandomCrop implements Transform {
    private final int height;
    private final int width;
    private final int padding;

    /** Square crops of {@code size} after zero padding of {@code padding} pixels. */
    public RandomCrop(int size, int padding) {
        this(size, size, padding);
    }

    /** Crops of {@code height} x {@code width} after zero padding of {@code padding} pixels on each side. */
    public RandomCrop(int height, int width, int padding) {
        if (height <= 0 || width <= 0 || padding < 0) {
            throw new IllegalArgumentException("RandomCrop: size " + height + "x" + width + " must be positive and "
                    + "padding " + padding + " non-negative");
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override
    public Tensor apply(Tensor image, Generator generator) {
        Tensor x = Images.check("RandomCrop", image);
        int c = x.size(0);
        int h = x.size(1);
        int w = x.size(2);
        int ph = h + 2 * padding;
        int pw = w + 2 * padding;
        if (height > ph || width > pw) {
            throw new ShapeException("RandomCrop: crop " + height + "x" + width + " is larger than the padded image "
                    + ph + "x" + pw + " (input " + Shapes.str(x.shape()) + ", padding " + padding + ")");
        }
        // Like torchvision, a crop the size of the padded image is not random and draws nothing.
        int top = ph == height ? 0 : generator.nextInt(ph - height + 1);
        int left = pw == width ? 0 : generator.nextInt(pw - width + 1);
        float[] in = x.storage().floats();
        int base = x.offset();
        float[] out = new float[c * height * width];
        int y0 = top - padding;
        int x0 = left - padding;
        // The source columns that fall inside the image, the same for every row.
        int colStart = Math.max(0, -x0);
        int colEnd = Math.min(width, w - x0);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                int sy = y0 + y;
                if (sy < 0 || sy >= h || colEnd <= colStart) {
                    continue; // zero padding
                }
                System.arraycopy(in, base + (ch * h + sy) * w + x0 + colStart, out, (ch * height + y) * width + colStart,
                        colEnd - colStart);
            }
        }
        return Images.wrap(out, c, height, width);
    }
}
