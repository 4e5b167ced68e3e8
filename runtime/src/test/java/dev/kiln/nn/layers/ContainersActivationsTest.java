package dev.kiln.nn.layers;

import static dev.kiln.nn.layers.LinearConvLayersTest.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.BCELoss;
import dev.kiln.nn.BCEWithLogitsLoss;
import dev.kiln.nn.CrossEntropyLoss;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.GELU;
import dev.kiln.nn.Identity;
import dev.kiln.nn.L1Loss;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.Linear;
import dev.kiln.nn.LogSoftmax;
import dev.kiln.nn.MSELoss;
import dev.kiln.nn.Module;
import dev.kiln.nn.NLLLoss;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.SmoothL1Loss;
import dev.kiln.nn.Softmax;
import dev.kiln.nn.Tanh;
import dev.kiln.nn.functional.CrossEntropyOptions;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainersActivationsTest {

    @Test
    void sequentialChainsItsModulesAndNamesThemLikePyTorch() {
        Sequential seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
        // nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).state_dict().keys()
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), keys(seq));
        Tensor x = Tensor.randn(new dev.kiln.tensor.Generator(1), 5, 3);
        Linear first = (Linear) seq.get(0);
        Linear last = (Linear) seq.get(2);
        assertArrayEquals(last.forward(first.forward(x).relu()).toFloatArray(), seq.forward(x).toFloatArray());
        assertSame(x, new Sequential().forward(x));
        assertEquals(3, seq.size());
        assertThrows(IllegalArgumentException.class, () -> seq.add(null));
    }

    @Test
    void sequentialPropagatesTrainingMode() {
        Dropout dropout = new Dropout(0.5);
        Sequential seq = new Sequential(new Linear(2, 2), dropout);
        seq.eval();
        assertFalse(dropout.isTraining());
        seq.train();
        assertTrue(dropout.isTraining());
    }

    @Test
    void residualAddsTheBodyToTheShortcut() {
        Linear body = new Linear(3, 3);
        Residual res = new Residual(body);
        assertEquals(List.of("body.weight", "body.bias"), keys(res));
        Tensor x = Tensor.randn(new dev.kiln.tensor.Generator(2), 4, 3);
        assertArrayEquals(body.forward(x).add(x).toFloatArray(), res.forward(x).toFloatArray());
        Linear projection = new Linear(3, 5, false);
        Residual projected = new Residual(new Linear(3, 5), projection);
        assertEquals(List.of("body.weight", "body.bias", "shortcut.weight"), keys(projected));
        assertArrayEquals(new int[] {4, 5}, projected.forward(x).shape());
        ShapeException e = assertThrows(ShapeException.class, () -> new Residual(new Linear(3, 5)).forward(x));
        assertTrue(e.getMessage().startsWith("Residual: the body's output of shape [4, 5] does not match the input"),
                e.getMessage());
    }

    @Test
    void activationModulesComputeTheirFunctions() {
        Tensor x = Tensor.vector(-2, 0, 1);
        assertArrayEquals(new float[] {0, 0, 1}, new ReLU().forward(x).toFloatArray());
        assertArrayEquals(new float[] {-0.02f, 0, 1}, new LeakyReLU().forward(x).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {-0.4f, 0, 1}, new LeakyReLU(0.2).forward(x).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), 0.5f, (float) (1 / (1 + Math.exp(-1)))},
                new Sigmoid().forward(x).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.tanh(-2), 0, (float) Math.tanh(1)},
                new Tanh().forward(x).toFloatArray(), 1e-6f);
        // GELU(1) = 1 * Phi(1) = 0.8413447
        assertEquals(0.8413447f, new GELU().forward(x).toFloatArray()[2], 1e-6f);
        float[] sm = new Softmax(0).forward(x).toFloatArray();
        double z = Math.exp(-2) + 1 + Math.exp(1);
        assertArrayEquals(new float[] {(float) (Math.exp(-2) / z), (float) (1 / z), (float) (Math.exp(1) / z)}, sm,
                1e-6f);
        assertEquals(Math.log(1 / z), new LogSoftmax(-1).forward(x).toFloatArray()[1], 1e-6);
        for (Module m : List.of(new ReLU(), new Sigmoid(), new Softmax(1), new Identity())) {
            assertEquals(Map.of(), m.stateDict());
        }
        assertEquals("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2).toString());
    }

    @Test
    void lossModulesCallTheFunctionalLosses() {
        Tensor logits = Tensor.of(new float[][] {{0, 0}, {1, 3}});
        Tensor y = Tensor.of(new long[] {0, 1}, 2);
        assertEquals(dev.kiln.nn.functional.F.crossEntropy(logits, y).item(), new CrossEntropyLoss().forward(logits, y)
                .item(), 1e-7);
        assertArrayEquals(new int[] {2}, new CrossEntropyLoss(CrossEntropyOptions.defaults().reduction(Reduction.NONE))
                .forward(logits, y).shape());
        assertEquals(dev.kiln.nn.functional.F.nllLoss(logits.logSoftmax(1), y).item(),
                new NLLLoss().forward(logits.logSoftmax(1), y).item(), 1e-7);
        Tensor a = Tensor.vector(1, 2);
        Tensor b = Tensor.vector(0, 0);
        assertEquals(2.5, new MSELoss().forward(a, b).item(), 1e-6);
        assertEquals(3, new L1Loss(Reduction.SUM).forward(a, b).item(), 1e-6);
        assertEquals(1, new SmoothL1Loss().forward(a, b).item(), 1e-6);
        Tensor p = Tensor.vector(0.5f, 0.5f);
        assertEquals(Math.log(2), new BCELoss().forward(p, Tensor.vector(1, 0)).item(), 1e-6);
        assertEquals(Math.log(2), new BCEWithLogitsLoss().forward(Tensor.zeros(DType.FLOAT32, 2), Tensor.vector(1, 0))
                .item(), 1e-6);
        assertEquals("MSELoss(reduction=mean)", new MSELoss().toString());
    }
}
