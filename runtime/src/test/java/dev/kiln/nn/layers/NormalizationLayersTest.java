package dev.kiln.nn.layers;

import static dev.kiln.nn.layers.LinearConvLayersTest.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.BatchNorm1d;
import dev.kiln.nn.BatchNorm2d;
import dev.kiln.nn.LayerNorm;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizationLayersTest {

    @Test
    void batchNormHasPyTorchsKeysAndStartingValues() {
        BatchNorm2d bn = new BatchNorm2d(16);
        // nn.BatchNorm2d(16).state_dict().keys()
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), keys(bn));
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.weight().slice(0, 0, 4).toFloatArray());
        assertArrayEquals(new float[16], bn.runningMean().toFloatArray());
        assertEquals(DType.INT64, bn.stateDict().get("num_batches_tracked").dtype());
        assertEquals(0, bn.stateDict().get("num_batches_tracked").dim());
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                keys(new BatchNorm1d(4, 1e-5, 0.1, false, true, DType.FLOAT32)));
        assertEquals(List.of("weight", "bias"), keys(new BatchNorm1d(4, 1e-5, 0.1, true, false, DType.FLOAT32)));
        assertEquals("BatchNorm2d(16, eps=1.0E-5, momentum=0.1, affine=True, track_running_stats=True)", bn.toString());
    }

    @Test
    void trainingUpdatesTheRunningStatisticsAndEvaluationUsesThem() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5, 0.1, true, true, DType.FLOAT64);
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 4, 1);
        Tensor train = bn.forward(x);
        double s = Math.sqrt(1.25 + 1e-5); // biased variance of 1..4
        assertArrayEquals(new double[] {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, train.toDoubleArray(), 1e-12);
        assertEquals(0.25, bn.runningMean().item(), 1e-12);
        assertEquals(0.9 + 0.1 * 5 / 3.0, bn.runningVar().item(), 1e-12);
        assertEquals(1, bn.stateDict().get("num_batches_tracked").item());
        bn.eval();
        Tensor eval = bn.forward(x);
        double rv = Math.sqrt(0.9 + 0.5 / 3.0 + 1e-5);
        assertArrayEquals(new double[] {0.75 / rv, 1.75 / rv, 2.75 / rv, 3.75 / rv}, eval.toDoubleArray(), 1e-12);
        assertEquals(1, bn.stateDict().get("num_batches_tracked").item(), "evaluation does not count batches");
    }

    @Test
    void noMomentumMeansACumulativeAverage() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5, null, false, true, DType.FLOAT64);
        bn.forward(Tensor.of(new double[] {1, 3}, 2, 1)); // batch mean 2
        bn.forward(Tensor.of(new double[] {5, 7}, 2, 1)); // batch mean 6
        assertEquals(4, bn.runningMean().item(), 1e-12);
        assertEquals(2, bn.stateDict().get("num_batches_tracked").item());
    }

    @Test
    void batchNorm2dNormalizesEachChannelOverBatchAndSpace() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = Tensor.randn(new Generator(1), 4, 3, 5, 5).mul(2).add(3);
        Tensor y = bn.forward(x);
        assertArrayEquals(new float[3], y.mean(new int[] {0, 2, 3}, false).toFloatArray(), 1e-5f);
        bn.loadStateDict(Map.of("weight", Tensor.ones(3), "bias", Tensor.zeros(3), "running_mean", Tensor.zeros(3),
                "running_var", Tensor.ones(3), "num_batches_tracked", Tensor.scalar(DType.INT64, 0)));
        bn.eval();
        assertArrayEquals(x.toFloatArray(), bn.forward(x).toFloatArray(), 1e-4f);
    }

    @Test
    void batchNormGradientsFlowThroughTheBatchStatistics() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, true, true, DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 3, 2, 2, 2).requiresGrad(true);
        GradCheck.check(in -> bn.forward(in[0]).square(), x, bn.weight(), bn.bias());
    }

    @Test
    void batchNormRejectsTheWrongLayout() {
        ShapeException rank = assertThrows(ShapeException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(4, 3)));
        assertEquals("BatchNorm2d: input of shape [4, 3] must be 4-d [N, C, H, W]", rank.getMessage());
        ShapeException channels = assertThrows(ShapeException.class,
                () -> new BatchNorm1d(3).forward(Tensor.zeros(4, 5)));
        assertTrue(channels.getMessage().contains("has 5 channels, expected 3"), channels.getMessage());
    }

    @Test
    void layerNormHasPyTorchsKeysAndNormalizesTheLastDimensions() {
        LayerNorm ln = new LayerNorm(2, 3);
        assertEquals(List.of("weight", "bias"), keys(ln));
        assertArrayEquals(new int[] {2, 3}, ln.weight().shape());
        assertEquals(List.of(), keys(new LayerNorm(new int[] {3}, 1e-5, false, DType.FLOAT32)));
        Tensor x = Tensor.randn(new Generator(3), 4, 2, 3).mul(5);
        Tensor y = ln.forward(x);
        assertArrayEquals(new float[4], y.mean(new int[] {1, 2}, false).toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, y.square().mean(new int[] {1, 2}, false).toFloatArray(), 1e-3f);
        assertEquals("LayerNorm((2, 3,), eps=1.0E-5, elementwise_affine=True)", ln.toString());
        LayerNorm ln64 = new LayerNorm(new int[] {3}, 1e-5, true, DType.FLOAT64);
        Tensor x64 = Tensor.randn(new Generator(4), DType.FLOAT64, 2, 3).requiresGrad(true);
        GradCheck.check(in -> ln64.forward(in[0]).mul(in[0]), x64, ln64.weight(), ln64.bias());
    }
}
