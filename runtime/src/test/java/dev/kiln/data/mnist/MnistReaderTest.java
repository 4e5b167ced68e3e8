package dev.kiln.data.mnist;

import static dev.kiln.data.DataFiles.gzip;
import static dev.kiln.data.DataFiles.idxImages;
import static dev.kiln.data.DataFiles.idxLabels;
import static dev.kiln.data.DataFiles.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.DataFileException;
import dev.kiln.data.TensorDataset;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistReaderTest {
    /** The 10,000 real digits shipped with the examples (8,000 train-*, 2,000 t10k-*). */
    static final Path BUNDLED = Path.of("..", "examples", "data", "mnist-10k");

    @TempDir
    Path dir;

    private static long[] classCounts(Tensor labels) {
        long[] counts = new long[10];
        for (long l : labels.toLongArray()) {
            counts[(int) l]++;
        }
        return counts;
    }

    private static long byteSum(float[] values, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += Math.round(values[i] * 255);
        }
        return sum;
    }

    @Test
    void readsTheBundledTrainingSubset() {
        TensorDataset train = MnistReader.train(BUNDLED, false);
        assertArrayEquals(new int[] {8000, 1, 28, 28}, train.inputs().shape());
        assertEquals(DType.FLOAT32, train.inputs().dtype());
        assertArrayEquals(new int[] {8000}, train.targets().shape());
        assertEquals(DType.INT64, train.targets().dtype());
        assertArrayEquals(new long[] {810, 913, 786, 805, 799, 685, 807, 862, 745, 788}, classCounts(train.targets()));
        assertArrayEquals(new long[] {8, 0, 2, 0, 0, 0, 9, 6, 4, 1},
                Arrays.copyOf(train.targets().toLongArray(), 10));
        float[] px = train.inputs().toFloatArray();
        assertEquals(24984, byteSum(px, 0, 784));
        assertEquals(209293928L, byteSum(px, 0, px.length));
        assertEquals(20 / 255f, train.inputs().get(0, 0, 14, 14));
    }

    @Test
    void readsTheBundledTestSubsetFlattened() {
        TensorDataset test = MnistReader.test(BUNDLED, true);
        assertArrayEquals(new int[] {2000, 784}, test.inputs().shape());
        assertArrayEquals(new long[] {191, 214, 205, 227, 181, 178, 207, 208, 199, 190}, classCounts(test.targets()));
        float[] px = test.inputs().toFloatArray();
        assertEquals(52852672L, byteSum(px, 0, px.length));
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : px) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void plainAndGzippedFilesReadTheSame() throws IOException {
        Path gz = BUNDLED.resolve("t10k-labels-idx1-ubyte.gz");
        Path plain = dir.resolve("t10k-labels-idx1-ubyte");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.write(plain, in.readAllBytes());
        }
        assertArrayEquals(MnistReader.readLabels(gz).toLongArray(), MnistReader.readLabels(plain).toLongArray());
    }

    @Test
    void scalesPixelsLikeToTensor() throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Path p = Files.write(dir.resolve("img"), idxImages(1, 16, 16, all));
        float[] v = MnistReader.readImages(p).toFloatArray();
        for (int i = 0; i < 256; i++) {
            assertEquals(Float.floatToRawIntBits(i / 255f), Float.floatToRawIntBits(v[i]));
        }
    }

    @Test
    void aTruncatedLabelFileNamesPathOffsetAndExpectation() throws IOException {
        byte[] full = idxLabels(new byte[10000]);
        byte[] cut = Arrays.copyOf(full, 1008);
        Path plain = Files.write(dir.resolve("t10k-labels-idx1-ubyte"), cut);
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(plain));
        assertEquals(plain + ": truncated at byte offset 1008: expected 10000 labels (10008 bytes), file ends after "
                + "1008 bytes", e.getMessage());
        assertEquals(1008, e.offset());
        assertEquals(plain, e.path());

        Path gz = Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(cut));
        e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(gz));
        assertEquals(gz + ": truncated at byte offset 1008: expected 10000 labels (10008 bytes), decompressed data "
                + "ends after 1008 bytes", e.getMessage());
    }

    @Test
    void anOversizedFileNamesTheFirstExtraByte() throws IOException {
        byte[] full = idxLabels(new byte[] {1, 2, 3});
        Path p = Files.write(dir.resolve("labels"), Arrays.copyOf(full, full.length + 5));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(p));
        assertEquals(11, e.offset());
        assertTrue(e.getMessage().contains("oversized") && e.getMessage().contains("the file has 16 bytes"));
        Path gz = Files.write(dir.resolve("labels.gz"), gzip(Arrays.copyOf(full, full.length + 5)));
        e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(gz));
        assertEquals(11, e.offset());
    }

    @Test
    void aWrongMagicSaysWhatTheFileIs() throws IOException {
        Path labels = Files.write(dir.resolve("labels"), idxLabels(new byte[] {1}));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readImages(labels));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("bad magic number 0x00000801")
                && e.getMessage().contains("expected magic number 0x00000803")
                && e.getMessage().contains("this is an IDX label file"), e.getMessage());
        Path text = Files.writeString(dir.resolve("readme"), "hello world, not a data file");
        assertThrows(DataFileException.class, () -> MnistReader.readLabels(text));
    }

    @Test
    void hugeDeclaredSizesFailWithoutAllocating() throws IOException {
        // 100,000 images fit the cap but not the 16-byte file: rejected before allocating 78 MB.
        Path small = Files.write(dir.resolve("small"), idxImages(100_000, 28, 28, new byte[0]));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readImages(small));
        assertEquals(16, e.offset());
        assertTrue(e.getMessage().contains("expected 100000 images of 28x28 (78400016 bytes)"), e.getMessage());
        // Over the cap: rejected from the header alone, compressed or not.
        Path capped = Files.write(dir.resolve("capped.gz"), gzip(idxImages(Integer.MAX_VALUE, 28, 28, new byte[0])));
        e = assertThrows(DataFileException.class, () -> MnistReader.readImages(capped));
        assertTrue(e.getMessage().contains("Kiln reads at most 100000000"), e.getMessage());
        // Unsigned counts above 2^31 are reported as such.
        byte[] neg = ByteBuffer.allocate(8).putInt(0x00000801).putInt(-1).array();
        Path negative = Files.write(dir.resolve("neg"), neg);
        e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(negative));
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("label count 4294967295"), e.getMessage());
    }

    @Test
    void aCompressedFileDeclaringMoreThanItHoldsFailsAtItsEnd() throws IOException {
        Path p = Files.write(dir.resolve("img.gz"), gzip(idxImages(120_000, 28, 28, pixels(784 * 3, 0))));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readImages(p));
        assertEquals(16 + 784 * 3, e.offset());
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        byte[] gz = gzip(idxLabels(pixels(5000, 1)));
        byte[] flipped = gz.clone();
        flipped[flipped.length - 5] ^= 0x55; // inside the CRC/size trailer
        Path p = Files.write(dir.resolve("crc.gz"), flipped);
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(p));
        assertTrue(e.getMessage().contains("corrupt gzip stream"), e.getMessage());
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        e = assertThrows(DataFileException.class, () -> MnistReader.readLabels(cut));
        assertTrue(e.getMessage().contains("truncated gzip stream") || e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void rejectsEmptyImagesAndMismatchedCounts() throws IOException {
        Path zero = Files.write(dir.resolve("zero"), idxImages(2, 0, 28, new byte[0]));
        assertTrue(assertThrows(DataFileException.class, () -> MnistReader.readImages(zero)).getMessage()
                .contains("images of 0x28 pixels"));
        Path img = Files.write(dir.resolve("img"), idxImages(2, 2, 2, pixels(8, 0)));
        Path lab = Files.write(dir.resolve("lab"), idxLabels(new byte[] {1, 2, 3}));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistReader.load(img, lab, false));
        assertEquals(lab, e.path());
        assertTrue(e.getMessage().contains("expected 2 labels, one for each image in " + img), e.getMessage());
        assertEquals(0, MnistReader.readLabels(Files.write(dir.resolve("none"), idxLabels(new byte[0]))).numel());
    }

    @Test
    void aMissingFileSaysKilnDownloadsNothing() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> MnistReader.train(dir, false));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("downloads nothing"),
                e.getMessage());
    }
}
