package dev.kiln.data.cifar;

import static dev.kiln.data.DataFiles.cifar;
import static dev.kiln.data.DataFiles.gzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.DataFileException;
import dev.kiln.data.TensorDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRecordsAsChannelFirstImagesAndLabels() throws IOException {
        byte[] data = cifar(0, 9, 3);
        Path p = Files.write(dir.resolve("data_batch_1.bin"), data);
        TensorDataset d = Cifar10Reader.read(p);
        assertArrayEquals(new int[] {3, 3, 32, 32}, d.inputs().shape());
        assertArrayEquals(new long[] {0, 9, 3}, d.targets().toLongArray());
        for (int r = 0; r < 3; r++) {
            for (int[] at : new int[][] {{0, 0, 0}, {1, 5, 7}, {2, 31, 31}, {0, 17, 2}}) {
                int c = at[0];
                int y = at[1];
                int x = at[2];
                int raw = data[r * 3073 + 1 + c * 1024 + y * 32 + x] & 0xFF;
                assertEquals(raw / 255f, (float) d.inputs().get(r, c, y, x));
            }
        }
        assertEquals("truck", Cifar10Reader.CLASSES.get(9));
    }

    @Test
    void readsTheFiveTrainingBatchesInOrderAndGzippedFiles() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), cifar(i, i - 1));
        }
        Files.write(dir.resolve("test_batch.bin"), cifar(7));
        TensorDataset train = Cifar10Reader.train(dir);
        assertArrayEquals(new long[] {1, 0, 2, 1, 3, 2, 4, 3, 5, 4}, train.targets().toLongArray());
        assertEquals(1, Cifar10Reader.test(dir).size());
        Path gz = Files.write(dir.resolve("b.bin.gz"), gzip(cifar(4, 4)));
        assertArrayEquals(new long[] {4, 4}, Cifar10Reader.read(gz).targets().toLongArray());
    }

    @Test
    void aPartialRecordIsTruncation() throws IOException {
        byte[] data = cifar(1, 2);
        Path p = Files.write(dir.resolve("b.bin"), Arrays.copyOf(data, data.length - 1));
        DataFileException e = assertThrows(DataFileException.class, () -> Cifar10Reader.read(p));
        assertEquals(data.length - 1, e.offset());
        assertTrue(e.getMessage().contains("1 records and 3072 bytes of record 1"), e.getMessage());
    }

    @Test
    void sampledTruncationsFailWithPathAndOffset() throws IOException {
        byte[] data = cifar(5);
        Path p = dir.resolve("t.bin");
        for (int len = 0; len < data.length; len += len < 20 ? 1 : 97) {
            Files.write(p, Arrays.copyOf(data, len));
            DataFileException e = assertThrows(DataFileException.class, () -> Cifar10Reader.read(p), "length " + len);
            assertEquals(p, e.path());
            assertEquals(len, e.offset());
        }
    }

    @Test
    void aLabelOutsideTheTenClassesIsMalformed() throws IOException {
        Path p = Files.write(dir.resolve("b.bin"), cifar(1, 10, 2));
        DataFileException e = assertThrows(DataFileException.class, () -> Cifar10Reader.read(p));
        assertEquals(3073, e.offset());
        assertTrue(e.getMessage().contains("label 10 of record 1"), e.getMessage());
    }

    @Test
    void rejectsEmptyFilesAndNamesMissingOnes() throws IOException {
        Path p = Files.write(dir.resolve("b.bin"), new byte[0]);
        assertTrue(assertThrows(DataFileException.class, () -> Cifar10Reader.read(p)).getMessage()
                .contains("empty file"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Cifar10Reader.test(dir));
        assertTrue(e.getMessage().contains("test_batch.bin"));
    }
}
