package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.cifar.Cifar10Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kiln resmlp}: train, save, reload into a fresh model, evaluate without gradients. */
class ResMlpCommandTest {
    private static final Pattern TRAINED = Pattern.compile("(?m)^trained  test accuracy (\\d\\.\\d{4})$");
    private static final Pattern RELOADED = Pattern.compile("(?m)^reloaded test accuracy (\\d\\.\\d{4}) .*match$");

    @TempDir
    Path dir;

    @Test
    void theReloadedModelScoresExactlyWhatTheTrainedOneDid() {
        Path out = dir.resolve("mnist");
        Cli.Run run = Cli.smokeRun("resmlp", out, "--data", Cli.MNIST.toString());
        assertReloadedMatches(run);
        Path checkpoint = out.resolve("model.safetensors");
        assertEquals(List.of(100, 784), Cli.shape(checkpoint, "stem.weight"));
        // The BatchNorm running statistics travel with the weights, or eval-mode accuracy could not match.
        assertTrue(Cli.keys(checkpoint).contains("blocks.2.residual.body.5.running_var"), Cli.keys(checkpoint)::toString);
    }

    @Test
    void runsOnCifar10FromTheBinaryFolderGivenWithData() throws IOException {
        Path cifar = fakeCifar(dir.resolve("cifar-10-batches-bin"));
        Path out = dir.resolve("cifar");
        Cli.Run run = Cli.smokeRun("resmlp", out, "--dataset", "cifar10", "--data", cifar.toString(), "--hidden", "16");
        assertReloadedMatches(run);
        assertTrue(run.out().startsWith("resmlp-cifar10: "), run.out());
        assertEquals(List.of(16, 3072), Cli.shape(out.resolve("model.safetensors"), "stem.weight"));
    }

    @Test
    void cifar10WithoutDataSaysWhereToPointIt() {
        Cli.Run run = Cli.run("resmlp", "--dataset", "cifar10", "--out", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--dataset cifar10 needs --data DIR"), run.err());
        assertTrue(run.err().contains("cifar-10-batches-bin"), run.err());
    }

    @Test
    void cifar10DataWithoutTheBinaryBatchesIsNamed() {
        Cli.Run run = Cli.run("resmlp", "--dataset", "cifar10", "--data", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("has no data_batch_1.bin"), run.err());
    }

    @Test
    void anUnknownDatasetIsAUsageError() {
        Cli.Run run = Cli.run("resmlp", "--dataset", "imagenet");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--dataset must be mnist or cifar10, got 'imagenet'"), run.err());
    }

    private static void assertReloadedMatches(Cli.Run run) {
        double accuracy = run.testAccuracy();
        Matcher trained = TRAINED.matcher(run.out());
        Matcher reloaded = RELOADED.matcher(run.out());
        assertTrue(trained.find() && reloaded.find(), run.out());
        assertEquals(trained.group(1), reloaded.group(1));
        assertEquals(accuracy, Double.parseDouble(reloaded.group(1)));
    }

    /** Five training batches and a test batch of a few seeded random records in CIFAR-10's binary format. */
    private static Path fakeCifar(Path folder) throws IOException {
        Files.createDirectories(folder);
        Random random = new Random(7);
        for (String name : List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
                "test_batch")) {
            byte[] records = new byte[20 * Cifar10Reader.RECORD_BYTES];
            random.nextBytes(records);
            for (int r = 0; r < 20; r++) {
                records[r * Cifar10Reader.RECORD_BYTES] = (byte) random.nextInt(10);
            }
            Files.write(folder.resolve(name + ".bin"), records);
        }
        return folder;
    }
}
