package dev.kiln.data.cifar;

import dev.kiln.data.BinaryInput;
import dev.kiln.data.DataFileException;
import dev.kiln.data.TensorDataset;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary format from local files (plain, or gzipped one by one): records of
 * one label byte (0-9) and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, rows of 32),
 * giving float32 images [n, 3, 32, 32] scaled to [0, 1] and int64 labels [n]. The training
 * set is data_batch_1.bin to data_batch_5.bin, the test set test_batch.bin. Kiln downloads
 * nothing.
 *
 * <pre>{@code
 * TensorDataset train = Cifar10Reader.train(Path.of("data/cifar-10-batches-bin"));
 * }</pre>
 */
public final class Cifar10Reader {
    /** Bytes in one record: the label and a 3x32x32 image. */
    public static final int RECORD_BYTES = 1 + 3 * 32 * 32;
    /** The most records accepted from one file (CIFAR-10's batches hold 10,000; all 60,000 fit). */
    public static final int MAX_RECORDS = 60_000;
    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private static final int PIXELS = RECORD_BYTES - 1;

    private Cifar10Reader() {}

    /** The five training batches of {@code dir} (data_batch_1.bin ... data_batch_5.bin), 50,000 examples. */
    public static TensorDataset train(Path dir) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            files.add(dir.resolve("data_batch_" + i + ".bin"));
        }
        return read(files);
    }

    /** The test batch of {@code dir} (test_batch.bin), 10,000 examples. */
    public static TensorDataset test(Path dir) {
        return read(List.of(dir.resolve("test_batch.bin")));
    }

    /** One batch file. */
    public static TensorDataset read(Path file) {
        return read(List.of(file));
    }

    /** Several batch files, concatenated in order. */
    public static TensorDataset read(List<Path> files) {
        List<byte[]> contents = new ArrayList<>(files.size());
        long records = 0;
        for (Path f : files) {
            byte[] data = readFile(f);
            contents.add(data);
            records += data.length / RECORD_BYTES;
        }
        if (records * PIXELS > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Cifar10Reader: " + records + " records are more than one tensor holds");
        }
        int n = (int) records;
        float[] pixels = new float[n * PIXELS];
        long[] labels = new long[n];
        int r = 0;
        for (byte[] data : contents) {
            for (int at = 0; at < data.length; at += RECORD_BYTES, r++) {
                labels[r] = data[at];
                int dst = r * PIXELS;
                for (int i = 0; i < PIXELS; i++) {
                    // float32 division as in torchvision's ToTensor.
                    pixels[dst + i] = (data[at + 1 + i] & 0xFF) / 255f;
                }
            }
        }
        int[] shape = {n, 3, 32, 32};
        Tensor images = new Tensor(Storage.wrap(pixels), shape, Shapes.contiguousStrides(shape), 0);
        return new TensorDataset(images, Tensor.of(labels, n));
    }

    /** The validated bytes of one file: whole records, labels 0-9. */
    private static byte[] readFile(Path file) {
        String expected = "expected whole " + RECORD_BYTES + "-byte CIFAR-10 records (1 label byte, 3072 pixel bytes)";
        byte[] data;
        try (BinaryInput in = BinaryInput.open(file)) {
            data = in.readToEnd((long) MAX_RECORDS * RECORD_BYTES, expected);
        }
        if (data.length == 0) {
            throw new DataFileException(file, 0, "empty file", expected + ", at least one");
        }
        int whole = data.length / RECORD_BYTES;
        int partial = data.length % RECORD_BYTES;
        if (partial != 0) {
            throw new DataFileException(file, data.length, "truncated", expected + "; the data has " + data.length
                    + " bytes: " + whole + " records and " + partial + " bytes of record " + whole);
        }
        for (int r = 0; r < whole; r++) {
            int label = data[r * RECORD_BYTES] & 0xFF;
            if (label > 9) {
                throw new DataFileException(file, (long) r * RECORD_BYTES, "label " + label + " of record " + r,
                        "expected a class index 0-9 as each record's first byte");
            }
        }
        return data;
    }
}
