package dev.kiln.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TransformsTest {
    /** A [C, H, W] image whose pixel (c, y, x) is 100c + 10y + x. */
    static Tensor image(int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[(ch * h + y) * w + x] = 100 * ch + 10 * y + x;
                }
            }
        }
        return Tensor.of(v, c, h, w);
    }

    @Test
    void normalizeStandardisesEachChannel() {
        Tensor out = new Normalize(new float[] {1, 100}, new float[] {2, 4}).apply(image(2, 1, 2), new Generator(0));
        assertArrayEquals(new float[] {(0 - 1) / 2f, (1 - 1) / 2f, 0f, (101 - 100) / 4f}, out.toFloatArray());
        Tensor single = new Normalize(new float[] {0.1307f}, new float[] {0.3081f}).apply(image(3, 1, 1), null);
        assertEquals((200 - 0.1307f) / 0.3081f, single.toFloatArray()[2]);
        ShapeException e = assertThrows(ShapeException.class,
                () -> new Normalize(new float[] {0, 0}, new float[] {1, 1}).apply(image(3, 2, 2), null));
        assertTrue(e.getMessage().contains("Normalize") && e.getMessage().contains("3 channels"));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
    }

    @Test
    void randomCropMatchesAWindowOfTheZeroPaddedImage() {
        Tensor img = image(2, 5, 6);
        RandomCrop crop = new RandomCrop(4, 5, 2);
        Generator g = new Generator(17);
        for (int trial = 0; trial < 30; trial++) {
            long[] before = g.state();
            Tensor out = crop.apply(img, g);
            // Replay the two draws to know the window, then compare with a direct computation.
            Generator replay = new Generator(0);
            replay.setState(before);
            int top = replay.nextInt(5 + 4 - 4 + 1);
            int left = replay.nextInt(6 + 4 - 5 + 1);
            assertArrayEquals(new int[] {2, 4, 5}, out.shape());
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        int sy = top + y - 2;
                        int sx = left + x - 2;
                        double expected = sy >= 0 && sy < 5 && sx >= 0 && sx < 6 ? img.get(c, sy, sx) : 0;
                        assertEquals(expected, out.get(c, y, x), "trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void aFullSizeCropDrawsNothing() {
        Generator g = new Generator(3);
        long[] before = g.state();
        Tensor img = image(1, 4, 4);
        assertArrayEquals(img.toFloatArray(), new RandomCrop(4, 0).apply(img, g).toFloatArray());
        assertArrayEquals(before, g.state());
        ShapeException e = assertThrows(ShapeException.class, () -> new RandomCrop(9, 2).apply(img, g));
        assertTrue(e.getMessage().contains("larger than the padded image 8x8"), e.getMessage());
    }

    @Test
    void horizontalFlipMirrorsRows() {
        Tensor img = image(2, 2, 3);
        Tensor flipped = new RandomHorizontalFlip(1).apply(img, new Generator(0));
        assertArrayEquals(new float[] {2, 1, 0, 12, 11, 10, 102, 101, 100, 112, 111, 110}, flipped.toFloatArray());
        assertSame(img, new RandomHorizontalFlip(0).apply(img, new Generator(0)));
        int flips = 0;
        Generator g = new Generator(9);
        for (int i = 0; i < 1000; i++) {
            if (new RandomHorizontalFlip(0.3).apply(img, g) != img) {
                flips++;
            }
        }
        assertTrue(flips > 240 && flips < 360, "about 30% flipped: " + flips);
    }

    @Test
    void composeAppliesInOrderAndViewsAreAccepted() {
        Tensor batch = Tensor.rand(new Generator(1), 3, 1, 4, 4);
        Tensor one = batch.select(0, 1); // a view with an offset
        Transform t = new Compose(new RandomHorizontalFlip(1), new Normalize(new float[] {0.5f}, new float[] {0.5f}));
        float[] manual = new Normalize(new float[] {0.5f}, new float[] {0.5f})
                .apply(new RandomHorizontalFlip(1).apply(one, new Generator(0)), null).toFloatArray();
        assertArrayEquals(manual, t.apply(one, new Generator(0)).toFloatArray());
        assertArrayEquals(manual, new RandomHorizontalFlip(1).andThen(new Normalize(new float[] {0.5f},
                new float[] {0.5f})).apply(one, new Generator(0)).toFloatArray());
    }

    @Test
    void rejectsWhatIsNotAFloatImage() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> new RandomHorizontalFlip().apply(Tensor.zeros(4, 4), new Generator(0)));
        assertTrue(e.getMessage().contains("RandomHorizontalFlip: expects a float32 image [C, H, W], got float32 of "
                + "shape [4, 4]"), e.getMessage());
        assertThrows(ShapeException.class, () -> new RandomCrop(2, 0).apply(Tensor.zeros(DType.FLOAT64, 1, 4, 4),
                new Generator(0)));
    }
}
