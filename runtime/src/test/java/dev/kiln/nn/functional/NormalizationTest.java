package dev.kiln.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    @Test
    void batchNormInTrainingNormalizesWithBatchStatisticsAndUpdatesTheRunningOnes() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 4, 1);
        Tensor mean = Tensor.zeros(DType.FLOAT64, 1);
        Tensor var = Tensor.ones(DType.FLOAT64, 1);
        Tensor y = F.batchNorm(x, mean, var, null, null, true, 0.1, 1e-5);
        // mean 2.5, biased variance 1.25, unbiased 5/3
        double s = Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new double[] {-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, y.toDoubleArray(), 1e-12);
        assertEquals(0.25, mean.item(), 1e-12);
        assertEquals(0.9 + 0.1 * 5 / 3.0, var.item(), 1e-12);
    }

    @Test
    void batchNormInEvaluationUsesTheRunningStatisticsAndTheAffineParameters() {
        Tensor x = Tensor.of(new double[] {1, 10, 3, 20}, 2, 2); // channels [1, 3] and [10, 20]
        Tensor mean = Tensor.of(new double[] {1, 10}, 2);
        Tensor var = Tensor.of(new double[] {4, 100}, 2);
        Tensor w = Tensor.of(new double[] {2, 1}, 2);
        Tensor b = Tensor.of(new double[] {0, 5}, 2);
        Tensor y = F.batchNorm(x, mean, var, w, b, false, 0.1, 0);
        assertArrayEquals(new double[] {0, 5, 2, 6}, y.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 10}, mean.toDoubleArray(), 0);
    }

    @Test
    void batchNormOverImagesReducesOverBatchAndSpace() {
        Tensor x = Tensor.randn(new Generator(2), 4, 3, 5, 5).mul(3).add(7);
        Tensor y = F.batchNorm(x, null, null, null, null, true, 0.1, 1e-5);
        Tensor perChannelMean = y.mean(new int[] {0, 2, 3}, false);
        Tensor perChannelVar = y.square().mean(new int[] {0, 2, 3}, false);
        assertArrayEquals(new float[3], perChannelMean.toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1, 1, 1}, perChannelVar.toFloatArray(), 1e-3f);
    }

    @Test
    void batchNormGradientsFlowThroughTheBatchStatistics() {
        Tensor x = leaf(3, 4, 3, 2, 2);
        Tensor w = leaf(4, 3);
        Tensor b = leaf(5, 3);
        GradCheck.check(in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), x, w, b);
        Tensor rm = Tensor.zeros(DType.FLOAT64, 3);
        Tensor rv = Tensor.ones(DType.FLOAT64, 3);
        GradCheck.check(in -> F.batchNorm(in[0], rm, rv, in[1], in[2], false, 0.1, 1e-5), x, w, b);
    }

    @Test
    void layerNormNormalizesTheTrailingDimensions() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 10, 10, 40}, 2, 3);
        Tensor y = F.layerNorm(x, 3);
        double s1 = Math.sqrt(2 / 3.0 + 1e-5);
        double s2 = Math.sqrt(200 + 1e-5);
        assertArrayEquals(new double[] {-1 / s1, 0, 1 / s1, -10 / s2, -10 / s2, 20 / s2}, y.toDoubleArray(), 1e-12);
        Tensor w = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new double[] {0, 0, 1}, 3);
        Tensor affine = F.layerNorm(x, new int[] {3}, w, b, 1e-5);
        assertEquals(3 / s1 + 1, affine.get(0, 2), 1e-12);
    }

    @Test
    void layerNormGradientsMatchCentralDifferences() {
        Tensor x = leaf(6, 2, 3, 4);
        Tensor w = leaf(7, 3, 4);
        Tensor b = leaf(8, 3, 4);
        GradCheck.check(in -> F.layerNorm(in[0], new int[] {3, 4}, in[1], in[2], 1e-5), x, w, b);
    }

    @Test
    void rejectsMismatchedShapes() {
        ShapeException bn = assertThrows(ShapeException.class,
                () -> F.batchNorm(Tensor.zeros(4, 3), Tensor.zeros(4), Tensor.ones(4), null, null, true, 0.1, 1e-5));
        assertTrue(bn.getMessage().contains("running_mean of shape [4] must be [3]"), bn.getMessage());
        ShapeException one = assertThrows(ShapeException.class,
                () -> F.batchNorm(Tensor.zeros(1, 3), Tensor.zeros(3), Tensor.ones(3), null, null, true, 0.1, 1e-5));
        assertTrue(one.getMessage().contains("more than 1 value per channel"), one.getMessage());
        ShapeException ln = assertThrows(ShapeException.class, () -> F.layerNorm(Tensor.zeros(2, 5), 4));
        assertEquals("layerNorm: input of shape [2, 5] must end in the normalized shape [4]", ln.getMessage());
    }
}
