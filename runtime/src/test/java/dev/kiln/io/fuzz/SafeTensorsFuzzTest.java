package dev.kiln.io.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.io.Checkpoint;
import dev.kiln.io.SafeTensors;
import dev.kiln.io.SafeTensorsException;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the safetensors reader and the checkpoint loader with arbitrary file contents: an input
 * either fails with a {@link SafeTensorsException} naming the path and an offset inside the file,
 * or reads, and then writing what was read and reading it again gives the same tensors.
 *
 * <p>Without {@code JAZZER_FUZZ=1} (as in CI) each method runs as an ordinary test over its
 * committed corpus, {@code src/test/resources/dev/kiln/io/fuzz/SafeTensorsFuzzTestInputs/<method>/}.
 */
class SafeTensorsFuzzTest {
    private static final Path DIR = tempDir();
    private static final Path FILE = DIR.resolve("input.safetensors");
    private static final Path COPY = DIR.resolve("copy.safetensors");

    private static Path tempDir() {
        try {
            Path p = Files.createTempDirectory("kiln-io-fuzz");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(byte[] data) {
        try {
            Files.write(FILE, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkRejection(SafeTensorsException e, byte[] data) {
        assertEquals(FILE, e.path());
        assertTrue(e.offset() >= 0 && e.offset() <= data.length, e.getMessage());
        assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().contains(" at byte offset "),
                e.getMessage());
    }

    @FuzzTest(maxDuration = "60s")
    void read(byte[] data) {
        write(data);
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(FILE);
        } catch (SafeTensorsException e) {
            checkRejection(e, data);
            return;
        }
        SafeTensors.write(COPY, c.tensors(), c.metadata());
        SafeTensors.Contents again = SafeTensors.read(COPY);
        assertEquals(c.metadata(), again.metadata());
        assertEquals(List.copyOf(c.tensors().keySet()), List.copyOf(again.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            Tensor back = again.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape());
            assertArrayEquals(e.getValue().toDoubleArray(), back.toDoubleArray());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void checkpoint(byte[] data) {
        write(data);
        try {
            Checkpoint c = Checkpoint.load(FILE);
            assertTrue(c.epoch() >= 0 && c.position() >= 0);
        } catch (SafeTensorsException e) {
            checkRejection(e, data);
        }
    }
}
