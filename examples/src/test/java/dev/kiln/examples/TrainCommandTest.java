package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job, {@code ./kiln train}, on a small slice of the shipped digits. */
class TrainCommandTest {
    @TempDir
    Path out;

    @Test
    void trainsTheSeedCnnAndWritesCheckpointMetricsAndPlot() {
        Cli.Run run = Cli.smokeRun("train", out, "--data", Cli.MNIST.toString());
        run.testAccuracy();
        assertTrue(run.out().contains("2,000 test examples"), run.out());
        List<String> keys = Cli.keys(out.resolve("model.safetensors"));
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"), keys);
    }
}
