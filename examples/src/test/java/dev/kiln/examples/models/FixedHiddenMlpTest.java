package dev.kiln.examples.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.Linear;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedHiddenMlpTest {

    @Test
    void theConstantWeightIsNeitherAParameterNorInTheStateDict() {
        FixedHiddenMlp net = new FixedHiddenMlp(new Generator(1));
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(net.stateDict().keySet()));
        assertTrue(net.namedBuffers().isEmpty());
        assertFalse(net.randWeight().requiresGrad());
    }

    @Test
    void theWhileLoopHalvesUntilTheL1NormIsAtMostOne() {
        FixedHiddenMlp net = new FixedHiddenMlp(new Generator(2));
        Tensor big = Tensor.rand(new Generator(3), 2, 20).mul(1000);
        Tensor y = net.forward(big);
        assertEquals(0, y.dim());
        assertTrue(Math.abs(y.item()) <= 1, "output " + y.item());
    }

    @Test
    void theReusedLayerCollectsTheGradientOfBothUses() {
        FixedHiddenMlp net = new FixedHiddenMlp(new Generator(4));
        Tensor x = Tensor.rand(new Generator(5), 2, 20);
        net.forward(x).backward();
        Tensor shared = net.linear.weight().grad();
        assertArrayEquals(new int[] {20, 20}, shared.shape());
        assertNull(net.randWeight().grad());

        // The same computation with two separate copies of the layer: its gradients must add up to the shared one.
        Linear first = copyOf(net.linear);
        Linear second = copyOf(net.linear);
        Tensor h = first.forward(x);
        h = h.matmul(net.randWeight()).add(1).relu();
        h = second.forward(h);
        while (h.abs().sum().item() > 1) {
            h = h.div(2);
        }
        h.sum().backward();
        Tensor sum = first.weight().grad().add(second.weight().grad());
        assertArrayEquals(shared.toFloatArray(), sum.toFloatArray(), 1e-6f);
    }

    @Test
    void theChimeraHasPyTorchsKeys() {
        Generator g = new Generator(6);
        Sequential chimera = new Sequential(new NestMlp(g), new Linear(16, 20, true, g, DType.FLOAT32),
                new FixedHiddenMlp(g));
        assertEquals(List.of("0.net.0.weight", "0.net.0.bias", "0.net.2.weight", "0.net.2.bias", "0.linear.weight",
                "0.linear.bias", "1.weight", "1.bias", "2.linear.weight", "2.linear.bias"),
                List.copyOf(chimera.stateDict().keySet()));
        assertEquals(0, chimera.forward(Tensor.rand(g, 2, 20)).dim());
        MySequential mine = new MySequential(new Linear(20, 256, true, g, DType.FLOAT32), new ReLU(),
                new Linear(256, 10, true, g, DType.FLOAT32));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(mine.stateDict().keySet()));
        assertArrayEquals(new int[] {2, 10}, mine.forward(Tensor.rand(g, 2, 20)).shape());
    }

    private static Linear copyOf(Linear layer) {
        Linear copy = new Linear(layer.inFeatures(), layer.outFeatures(), true, new Generator(0), DType.FLOAT32);
        copy.loadStateDict(layer.stateDict());
        return copy;
    }
}
