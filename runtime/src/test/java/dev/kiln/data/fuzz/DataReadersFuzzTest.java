package dev.kiln.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.data.DataFileException;
import dev.kiln.data.TensorDataset;
import dev.kiln.data.cifar.Cifar10Reader;
import dev.kiln.data.mnist.MnistReader;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Fuzzes the MNIST IDX and CIFAR-10 readers with arbitrary file contents: each input either reads
 * into consistently shaped tensors or fails with a {@link DataFileException} naming the path and
 * an offset, never with another exception, a hang, or an unbounded allocation.
 *
 * <p>Without {@code JAZZER_FUZZ=1} (as in CI) each method runs as an ordinary test over its
 * committed corpus, {@code src/test/resources/dev/kiln/data/fuzz/DataReadersFuzzTestInputs/<method>/};
 * with it, Jazzer mutates that corpus looking for new failures and saves them there.
 */
class DataReadersFuzzTest {
    private static final Path FILE = tempFile();

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("kiln-data-fuzz", ".bin");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T readOrReject(byte[] data, Function<Path, T> reader) {
        try {
            Files.write(FILE, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return reader.apply(FILE);
        } catch (DataFileException e) {
            assertEquals(FILE, e.path());
            assertTrue(e.offset() >= 0, e.getMessage());
            assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().contains(" at byte offset "),
                    e.getMessage());
            return null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void mnistImages(byte[] data) {
        Tensor images = readOrReject(data, MnistReader::readImages);
        if (images != null) {
            assertEquals(4, images.dim());
            assertEquals(1, images.size(1));
            for (float v : images.toFloatArray()) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void mnistLabels(byte[] data) {
        Tensor labels = readOrReject(data, MnistReader::readLabels);
        if (labels != null) {
            assertEquals(1, labels.dim());
            for (long v : labels.toLongArray()) {
                assertTrue(v >= 0 && v <= 255);
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void cifar10(byte[] data) {
        TensorDataset d = readOrReject(data, Cifar10Reader::read);
        if (d != null) {
            assertEquals(d.size(), d.targets().size(0));
            for (long v : d.targets().toLongArray()) {
                assertTrue(v >= 0 && v <= 9);
            }
        }
    }
}
