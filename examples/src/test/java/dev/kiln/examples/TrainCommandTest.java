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

    @Test
    void aDivergingRunStopsWithOneLineNamingTheStep() {
        Cli.Run run = Cli.run("train", "--model", "mlp", "--lr", "1e30", "--epochs", "1", "--max-steps", "5",
                "--data", Cli.MNIST.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("kiln train: the loss became NaN at epoch 1, step "), run.err());
        assertTrue(run.err().contains("--detect-anomaly"), run.err());
        assertTrue(!run.err().contains("\tat dev.kiln"), "no stack trace without KILN_DEBUG:\n" + run.err());
    }
}
