package dev.kiln.examples.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MlpResNetTest {

    @Test
    void flattensImagesAndReturnsLogits() {
        MlpResNet net = new MlpResNet(3 * 8 * 8, 12, 2, 10, 0.1, new Generator(1));
        Tensor images = Tensor.rand(new Generator(2), 4, 3, 8, 8);
        assertArrayEquals(new int[] {4, 10}, net.forward(images).shape());
        net.eval();
        assertArrayEquals(net.forward(images).toFloatArray(), net.forward(images.reshape(4, 192)).toFloatArray());
    }

    @Test
    void hasNeedlesLayoutWithABottleneckOfHalfTheWidth() {
        MlpResNet net = new MlpResNet(784, 100, 3, 10, 0.1, new Generator(3));
        var state = net.stateDict();
        assertArrayEquals(new int[] {100, 784}, state.get("stem.weight").shape());
        assertArrayEquals(new int[] {50, 100}, state.get("blocks.0.residual.body.0.weight").shape());
        assertArrayEquals(new int[] {50}, state.get("blocks.0.residual.body.1.running_mean").shape());
        assertArrayEquals(new int[] {100, 50}, state.get("blocks.2.residual.body.4.weight").shape());
        assertArrayEquals(new int[] {10, 100}, state.get("head.weight").shape());
        // 3 blocks x (2 linear x 2 + 2 batch norms x 5) + stem 2 + head 2.
        assertEquals(3 * 14 + 4, state.size());
    }

    @Test
    void dropoutMakesTrainingModeStochasticAndEvalModeDeterministic() {
        MlpResNet net = new MlpResNet(16, 8, 1, 3, 0.5, new Generator(4));
        Tensor x = Tensor.rand(new Generator(5), 6, 16);
        assertFalse(Arrays.equals(net.forward(x).toFloatArray(), net.forward(x).toFloatArray()),
                "two training-mode passes drew the same dropout masks");
        net.eval();
        assertArrayEquals(net.forward(x).toFloatArray(), net.forward(x).toFloatArray());
    }
}
