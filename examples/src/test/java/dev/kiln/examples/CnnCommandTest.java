package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kiln cnn}: the seed CNN. */
class CnnCommandTest {
    @TempDir
    Path out;

    @Test
    void trainsOnASmallSliceAndWritesTheSeedCnnsKeys() {
        Cli.Run run = Cli.smokeRun("cnn", out, "--data", Cli.MNIST.toString());
        run.testAccuracy();
        assertTrue(run.out().startsWith("cnn: 214,538 parameters"), run.out());
        assertEquals(List.of(128, 1568), Cli.shape(out.resolve("model.safetensors"), "fc1.weight"));
        assertEquals(List.of(16, 1, 3, 3), Cli.shape(out.resolve("model.safetensors"), "conv1.weight"));
    }
}
