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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every truncation of small IDX files, plain and gzipped, fails with the path and an offset. */
class IdxTruncationTest {
    @TempDir
    Path dir;

    private void everyPrefixFails(byte[] full, Function<Path, ?> reader) throws IOException {
        Path p = dir.resolve("cut");
        for (int len = 0; len < full.length; len++) {
            Files.write(p, Arrays.copyOf(full, len));
            DataFileException e = assertThrows(DataFileException.class, () -> reader.apply(p), "length " + len);
            assertEquals(p, e.path());
            assertTrue(e.offset() >= 0 && e.offset() <= len, "length " + len + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains("byte offset " + e.offset()));
        }
        Files.write(p, full);
        reader.apply(p);
    }

    private void everyCompressedPrefixFails(byte[] full, Function<Path, ?> reader) throws IOException {
        byte[] gz = gzip(full);
        Path p = dir.resolve("cut.gz");
        // Cut the compressed stream at every length (past the two magic bytes, which make it gzip).
        for (int len = 2; len < gz.length; len++) {
            Files.write(p, Arrays.copyOf(gz, len));
            DataFileException e = assertThrows(DataFileException.class, () -> reader.apply(p), "gz length " + len);
            assertEquals(p, e.path());
            assertTrue(e.offset() >= 0 && e.offset() <= full.length, e.getMessage());
        }
        // And compress every truncation of the content.
        for (int len = 0; len < full.length; len++) {
            Files.write(p, gzip(Arrays.copyOf(full, len)));
            DataFileException e = assertThrows(DataFileException.class, () -> reader.apply(p), "content " + len);
            assertTrue(e.offset() <= len, e.getMessage());
        }
    }

    @Test
    void images() throws IOException {
        byte[] full = idxImages(3, 4, 5, pixels(60, 7));
        everyPrefixFails(full, MnistReader::readImages);
        everyCompressedPrefixFails(full, MnistReader::readImages);
        Path p = Files.write(dir.resolve("ok.gz"), gzip(full));
        assertArrayEquals(new int[] {3, 1, 4, 5}, MnistReader.readImages(p).shape());
    }

    @Test
    void labels() throws IOException {
        byte[] full = idxLabels(new byte[] {0, 1, 2, 3, 9});
        everyPrefixFails(full, MnistReader::readLabels);
        everyCompressedPrefixFails(full, MnistReader::readLabels);
    }
}
