package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.data.TensorDataset;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kiln mlp}: the seed MLP with one-hot targets. */
class MlpCommandTest {
    @TempDir
    Path out;

    @Test
    void trainsOnASmallSliceAndWritesTheSeedMlpsKeys() {
        Cli.smokeRun("mlp", out, "--data", Cli.MNIST.toString()).testAccuracy();
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias",
                "fc4.weight", "fc4.bias", "fc5.weight", "fc5.bias"), Cli.keys(out.resolve("model.safetensors")));
        assertEquals(List.of(200, 784), Cli.shape(out.resolve("model.safetensors"), "fc1.weight"));
    }

    @Test
    void oneHotEncodesEachLabelAsARowOfTheIdentity() {
        TensorDataset labelled = new TensorDataset(Tensor.zeros(3, 784), Tensor.of(new long[] {2, 0, 9}, 3));
        TensorDataset encoded = MlpCommand.oneHot(labelled);
        assertArrayEquals(new int[] {3, 10}, encoded.targets().shape());
        float[] expected = new float[30];
        expected[2] = 1;
        expected[10] = 1;
        expected[29] = 1;
        assertArrayEquals(expected, encoded.targets().toFloatArray());
    }
}
