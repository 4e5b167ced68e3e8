package dev.kiln.data.mnist;

import dev.kiln.data.BinaryInput;
import dev.kiln.data.DataFileException;
import dev.kiln.data.TensorDataset;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads MNIST-style IDX files from local disk, plain or gzipped: images (magic 0x00000803,
 * [n, rows, cols] unsigned bytes) as float32 scaled to [0, 1] and shaped [n, 1, rows, cols] (or
 * [n, rows*cols] when flattened), labels (magic 0x00000801, [n] unsigned bytes) as int64 [n].
 * Kiln downloads nothing; Fashion-MNIST and KMNIST use the same format.
 *
 * <p>Every size in the header is checked against the file before anything is allocated, and
 * the item count is capped at {@value #MAX_ELEMENTS} elements; a truncated, oversized or
 * malformed file fails with a {@link DataFileException} that names the path, what was expected
 * and the byte offset.
 *
 * <pre>{@code
 * TensorDataset train = MnistReader.train(Path.of("data/mnist"), false); // inputs [n, 1, 28, 28]
 * }</pre>
 */
public final class MnistReader {
    /** The largest number of bytes of image or label data accepted (MNIST's training images hold 47M). */
    public static final long MAX_ELEMENTS = 100_000_000L;

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private MnistReader() {}

    /** Images as float32 [n, 1, rows, cols] in [0, 1]. */
    public static Tensor readImages(Path path) {
        return readImages(path, false);
    }

    /** Images as float32 in [0, 1]: [n, rows*cols] if {@code flatten}, else [n, 1, rows, cols]. */
    public static Tensor readImages(Path path, boolean flatten) {
        try (BinaryInput in = BinaryInput.open(path)) {
            String header = "expected an IDX image header (magic 0x00000803 and three big-endian sizes, 16 bytes)";
            magic(in, IMAGES_MAGIC, "IDX images: unsigned bytes, 3 dimensions");
            int n = size(in, "image count", header);
            int rows = size(in, "row count", header);
            int cols = size(in, "column count", header);
            if (rows == 0 || cols == 0) {
                throw new DataFileException(path, 8, "images of " + rows + "x" + cols + " pixels",
                        "expected at least one row and one column");
            }
            long pixels = (long) n * rows * cols;
            String expected = "expected " + n + " images of " + rows + "x" + cols + " (" + (16 + pixels) + " bytes)";
            checkCap(in, pixels, expected);
            byte[] raw = in.readExactly(pixels, expected);
            in.expectEnd(expected);
            float[] values = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                // The same float32 division as torchvision's ToTensor, so inputs match bit for bit.
                values[i] = (raw[i] & 0xFF) / 255f;
            }
            int[] shape = flatten ? new int[] {n, rows * cols} : new int[] {n, 1, rows, cols};
            return new Tensor(Storage.wrap(values), shape, Shapes.contiguousStrides(shape), 0);
        }
    }

    /** Labels as int64 [n]. */
    public static Tensor readLabels(Path path) {
        try (BinaryInput in = BinaryInput.open(path)) {
            magic(in, LABELS_MAGIC, "IDX labels: unsigned bytes, 1 dimension");
            int n = size(in, "label count", "expected an IDX label header (magic 0x00000801 and a big-endian count, "
                    + "8 bytes)");
            String expected = "expected " + n + " labels (" + (8L + n) + " bytes)";
            checkCap(in, n, expected);
            byte[] raw = in.readExactly(n, expected);
            in.expectEnd(expected);
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return Tensor.of(labels, n);
        }
    }

    /** Images and labels from two files as a dataset of (image, label) examples; the counts must agree. */
    public static TensorDataset load(Path images, Path labels, boolean flatten) {
        Tensor x = readImages(images, flatten);
        Tensor y = readLabels(labels);
        if (x.size(0) != y.size(0)) {
            throw new DataFileException(labels, 4, "label count " + y.size(0),
                    "expected " + x.size(0) + " labels, one for each image in " + images);
        }
        return new TensorDataset(x, y);
    }

    /** The training split of a directory: train-images-idx3-ubyte and train-labels-idx1-ubyte, each optionally .gz. */
    public static TensorDataset train(Path dir, boolean flatten) {
        return load(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"), flatten);
    }

    /** The test split of a directory: t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz. */
    public static TensorDataset test(Path dir, boolean flatten) {
        return load(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"), flatten);
    }

    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        throw new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException(plain.toString(), null,
                "neither " + name + " nor " + name + ".gz is in " + dir + " (Kiln reads local files only; "
                        + "it downloads nothing)"));
    }

    private static void magic(BinaryInput in, int expectedMagic, String what) {
        String expected = String.format("expected magic number 0x%08x (%s)", expectedMagic, what);
        int magic = in.readIntBE(expected);
        if (magic != expectedMagic) {
            String hint = magic == IMAGES_MAGIC ? "; this is an IDX image file"
                    : magic == LABELS_MAGIC ? "; this is an IDX label file" : "";
            throw new DataFileException(in.path(), 0, String.format("bad magic number 0x%08x", magic), expected + hint);
        }
    }

    private static int size(BinaryInput in, String what, String header) {
        long at = in.offset();
        int v = in.readIntBE(header);
        if (v < 0) {
            throw new DataFileException(in.path(), at, what + " " + Integer.toUnsignedString(v),
                    "expected at most " + MAX_ELEMENTS);
        }
        return v;
    }

    private static void checkCap(BinaryInput in, long elements, String expected) {
        if (elements > MAX_ELEMENTS) {
            throw new DataFileException(in.path(), 4, "header declares " + elements + " bytes of data",
                    expected + "; Kiln reads at most " + MAX_ELEMENTS);
        }
    }
}
