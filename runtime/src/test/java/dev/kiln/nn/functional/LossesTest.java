package dev.kiln.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.ops.Ops;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossesTest {

    private static Tensor leaf(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor labels(long... values) {
        return Tensor.of(values, values.length);
    }

    /** Cross-entropy written independently: -w[y] log_softmax(x)[y], averaged over the weight of the kept rows. */
    private static double referenceCrossEntropy(Tensor logits, long[] y, double[] w, long ignore) {
        double[][] rows = new double[logits.size(0)][];
        double total = 0;
        double weight = 0;
        for (int r = 0; r < rows.length; r++) {
            if (y[r] == ignore) {
                continue;
            }
            double lse = 0;
            for (int c = 0; c < logits.size(1); c++) {
                lse += Math.exp(logits.get(r, c));
            }
            double wy = w == null ? 1 : w[(int) y[r]];
            total += wy * (Math.log(lse) - logits.get(r, (int) y[r]));
            weight += wy;
        }
        return total / weight;
    }

    // ------------------------------------------------------------ cross-entropy

    @Test
    void crossEntropyOfEqualLogitsIsLogOfTheClassCount() {
        assertEquals(Math.log(2), F.crossEntropy(Tensor.zeros(1, 2), labels(0)).item(), 1e-6);
        // Unbatched: [C] logits and a 0-d target.
        Tensor single = F.crossEntropy(Tensor.vector(1, 2, 3), Tensor.scalar(DType.INT64, 2));
        assertEquals(0, single.dim());
        assertEquals(Math.log(1 + Math.exp(-1) + Math.exp(-2)), single.item(), 1e-6);
    }

    @Test
    void crossEntropyMatchesTheDefinitionWithWeightsAndIgnoredTargets() {
        Tensor x = Tensor.randn(new Generator(1), DType.FLOAT64, 6, 4);
        long[] y = {0, 3, 2, -100, 1, 3};
        double[] w = {0.5, 1, 2, 3};
        Tensor loss = F.crossEntropy(x, labels(y), CrossEntropyOptions.defaults().weight(Tensor.of(w, 4)));
        assertEquals(referenceCrossEntropy(x, y, w, -100), loss.item(), 1e-12);
        Tensor none = F.crossEntropy(x, labels(y), Reduction.NONE);
        assertArrayEquals(new int[] {6}, none.shape());
        assertEquals(0, none.get(3), 0);
        double sum = F.crossEntropy(x, labels(y), Reduction.SUM).item();
        assertEquals(none.sum().item(), sum, 1e-12);
        long[] kept = {0, 3, 2, 1, 3};
        assertEquals(sum / 5, F.crossEntropy(x, labels(y)).item(), 1e-12);
        assertEquals(referenceCrossEntropy(x, y, null, -100), sum / kept.length, 1e-12);
    }

    @Test
    void labelSmoothingMixesInTheMeanNegativeLogProbability() {
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 3, 5);
        Tensor y = labels(4, 0, 2);
        double eps = 0.2;
        Tensor logp = F.logSoftmax(x, 1);
        Tensor nll = F.nllLoss(logp, y, Reduction.NONE);
        Tensor uniform = logp.sum(1, false).neg().div(5);
        Tensor expected = nll.mul(1 - eps).add(uniform.mul(eps));
        Tensor actual = F.crossEntropy(x, y, CrossEntropyOptions.defaults().labelSmoothing(eps)
                .reduction(Reduction.NONE));
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12);
    }

    @Test
    void oneHotProbabilityTargetsEqualClassIndices() {
        Tensor x = Tensor.randn(new Generator(3), 4, 3);
        Tensor y = labels(2, 0, 1, 2);
        float[] oneHot = new float[12];
        for (int r = 0; r < 4; r++) {
            oneHot[r * 3 + (int) y.getLong(r)] = 1;
        }
        Tensor probs = Tensor.of(oneHot, 4, 3);
        assertEquals(F.crossEntropy(x, y).item(), F.crossEntropy(x, probs).item(), 1e-6);
        CrossEntropyOptions smooth = CrossEntropyOptions.defaults().labelSmoothing(0.1);
        assertEquals(F.crossEntropy(x, y, smooth).item(), F.crossEntropy(x, probs, smooth).item(), 1e-6);
    }

    @Test
    void spatialInputsHaveClassesInDimensionOne() {
        Tensor x = Tensor.randn(new Generator(4), 2, 3, 4); // [N, C, d]
        Tensor y = Tensor.of(new long[] {0, 1, 2, 0, 2, 2, 1, 0}, 2, 4);
        Tensor perPosition = F.crossEntropy(x, y, Reduction.NONE);
        assertArrayEquals(new int[] {2, 4}, perPosition.shape());
        Tensor flat = x.permute(0, 2, 1).reshape(8, 3);
        assertArrayEquals(F.crossEntropy(flat, y.reshape(8), Reduction.NONE).toFloatArray(),
                perPosition.reshape(8).toFloatArray(), 1e-6f);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor x = Tensor.of(new float[] {1000, -1000, -1000, 1000}, 2, 2).requiresGrad(true);
        Tensor loss = F.crossEntropy(x, labels(1, 1), Reduction.NONE);
        assertArrayEquals(new float[] {2000, 0}, loss.toFloatArray());
        loss.sum().backward();
        assertArrayEquals(new float[] {1, -1, 0, 0}, x.grad().toFloatArray());
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotOverN() {
        Tensor x = Tensor.randn(new Generator(5), 3, 4).requiresGrad(true);
        Tensor y = labels(1, 3, 0);
        F.crossEntropy(x, y).backward();
        Tensor p = F.softmax(x.detach(), 1);
        float[] expected = p.toFloatArray();
        for (int r = 0; r < 3; r++) {
            expected[r * 4 + (int) y.getLong(r)] -= 1;
        }
        for (int i = 0; i < expected.length; i++) {
            expected[i] /= 3;
        }
        assertArrayEquals(expected, x.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void crossEntropyGradientsMatchCentralDifferences() {
        Tensor x = leaf(6, 5, 4);
        Tensor y = labels(3, -1, 0, 2, 3);
        Tensor w = Tensor.of(new double[] {1, 0.5, 2, 1.5}, 4);
        for (Reduction r : Reduction.values()) {
            CrossEntropyOptions o = CrossEntropyOptions.defaults().weight(w).ignoreIndex(-1).labelSmoothing(0.1)
                    .reduction(r);
            GradCheck.check(in -> F.crossEntropy(in[0], y, o), x);
        }
        Tensor spatial = leaf(7, 2, 3, 2, 2);
        Tensor ys = Tensor.of(new long[] {0, 1, 2, 2, 1, 1, 0, 2}, 2, 2, 2);
        GradCheck.check(in -> F.crossEntropy(in[0], ys), spatial);
        Tensor q = F.softmax(leaf(8, 5, 4), 1).detach().requiresGrad(true);
        GradCheck.check(in -> F.crossEntropy(in[0], in[1], CrossEntropyOptions.defaults().weight(w)), x, q);
        Tensor fixedQ = q.detach();
        GradCheck.check(in -> F.crossEntropy(in[0], fixedQ, CrossEntropyOptions.defaults().labelSmoothing(0.3)), x);
    }

    @Test
    void crossEntropySecondDerivativesMatchCentralDifferences() {
        Tensor x = leaf(9, 3, 4);
        Tensor y = labels(1, 0, 3);
        GradCheck.checkSecondOrder(in -> F.crossEntropy(in[0], y, CrossEntropyOptions.defaults().labelSmoothing(0.2)),
                x);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        Tensor x = Tensor.zeros(3, 4);
        ShapeException range = assertThrows(ShapeException.class, () -> F.crossEntropy(x, labels(0, 4, 1)));
        assertEquals("crossEntropy: target 4 (at flat position 1) is out of bounds for 4 classes", range.getMessage());
        ShapeException shape = assertThrows(ShapeException.class, () -> F.crossEntropy(x, labels(0, 1)));
        assertTrue(shape.getMessage().contains("target of shape [2] must have shape [3]"), shape.getMessage());
        ShapeException probs = assertThrows(ShapeException.class, () -> F.crossEntropy(x, Tensor.zeros(3, 5)));
        assertTrue(probs.getMessage().contains("probability targets of shape [3, 5]"), probs.getMessage());
        ShapeException weight = assertThrows(ShapeException.class, () -> F.crossEntropy(x, labels(0, 1, 2),
                CrossEntropyOptions.defaults().weight(Tensor.ones(3))));
        assertTrue(weight.getMessage().contains("weight of shape [3] must be [4]"), weight.getMessage());
        assertThrows(ShapeException.class,
                () -> F.crossEntropy(x, labels(0, 1, 2), CrossEntropyOptions.defaults().labelSmoothing(1.5)));
    }

    // ------------------------------------------------------------ NLL

    @Test
    void nllPicksTheTargetLogProbabilityAndWeightsTheMean() {
        Tensor logp = Tensor.of(new double[] {Math.log(0.5), Math.log(0.25), Math.log(0.25), Math.log(0.1),
            Math.log(0.8), Math.log(0.1)}, 2, 3);
        Tensor y = labels(1, 1);
        assertEquals((Math.log(4) - Math.log(0.8)) / 2, F.nllLoss(logp, y).item(), 1e-12);
        Tensor w = Tensor.of(new double[] {1, 3, 1}, 3);
        Tensor y2 = labels(0, 1);
        double expected = (1 * Math.log(2) + 3 * -Math.log(0.8)) / 4;
        assertEquals(expected, F.nllLoss(logp, y2, w, -100, Reduction.MEAN).item(), 1e-12);
        GradCheck.check(in -> F.nllLoss(in[0], y2, w, -100, Reduction.MEAN), leaf(10, 2, 3));
    }

    // ------------------------------------------------------------ regression

    @Test
    void regressionLossesMatchHandValues() {
        Tensor a = Tensor.vector(1, 2, 3);
        Tensor b = Tensor.vector(1, 1, 1);
        assertEquals(5 / 3.0, F.mseLoss(a, b).item(), 1e-6);
        assertEquals(5, F.mseLoss(a, b, Reduction.SUM).item(), 1e-6);
        assertArrayEquals(new float[] {0, 1, 4}, F.mseLoss(a, b, Reduction.NONE).toFloatArray());
        assertEquals(1, F.l1Loss(a, b).item(), 1e-6);
        // smooth L1 with beta 1: d = 0, 1, 2 -> 0, |1| - 0.5, |2| - 0.5
        assertEquals(2 / 3.0, F.smoothL1Loss(a, b).item(), 1e-6);
        Tensor small = F.smoothL1Loss(Tensor.vector(0.25f), Tensor.vector(0), Reduction.SUM, 0.5);
        assertEquals(0.5 * 0.0625 / 0.5, small.item(), 1e-7);
        assertEquals(2, F.smoothL1Loss(Tensor.vector(2), Tensor.vector(0), Reduction.SUM, 0).item(), 1e-7);
    }

    @Test
    void regressionGradientsMatchCentralDifferences() {
        Tensor x = leaf(11, 3, 4);
        Tensor t = leaf(12, 3, 4);
        GradCheck.check(in -> F.mseLoss(in[0], in[1]), x, t);
        GradCheck.check(in -> F.l1Loss(in[0], in[1], Reduction.SUM), x, t);
        GradCheck.check(in -> F.smoothL1Loss(in[0], in[1], Reduction.NONE, 0.7), x, t);
    }

    @Test
    void regressionLossesRejectShapesThatWouldBroadcast() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> F.mseLoss(Tensor.zeros(128, 1), Tensor.zeros(128)));
        assertEquals("mseLoss: input of shape [128, 1] and target of shape [128] must have the same shape",
                e.getMessage());
    }

    // ------------------------------------------------------------ binary

    @Test
    void binaryCrossEntropyMatchesHandValuesAndClampsTheLogarithm() {
        assertEquals(-Math.log(0.8), F.binaryCrossEntropy(Tensor.vector(0.8f), Tensor.vector(1)).item(), 1e-6);
        assertEquals(-Math.log(0.8), F.binaryCrossEntropy(Tensor.vector(0.2f), Tensor.vector(0)).item(), 1e-6);
        Tensor p = Tensor.vector(0, 1).requiresGrad(true);
        Tensor loss = F.binaryCrossEntropy(p, Tensor.vector(1, 1), null, Reduction.NONE);
        assertArrayEquals(new float[] {100, 0}, loss.toFloatArray(), 0f);
        loss.sum().backward();
        for (float g : p.grad().toFloatArray()) {
            assertTrue(Float.isFinite(g), "gradient " + g);
        }
        assertThrows(ShapeException.class, () -> F.binaryCrossEntropy(Tensor.vector(1.5f), Tensor.vector(1)));
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAndHonoursPositiveWeights() {
        Tensor x = Tensor.vector(100, -100, 0);
        Tensor y = Tensor.vector(0, 1, 0);
        assertArrayEquals(new float[] {100, 100, (float) Math.log(2)},
                F.binaryCrossEntropyWithLogits(x, y, null, null, Reduction.NONE).toFloatArray(), 1e-5f);
        Tensor moderate = Tensor.randn(new Generator(13), DType.FLOAT64, 6);
        Tensor target = Tensor.rand(new Generator(14), DType.FLOAT64, 6);
        assertEquals(F.binaryCrossEntropy(moderate.sigmoid(), target).item(),
                F.binaryCrossEntropyWithLogits(moderate, target).item(), 1e-12);
        Tensor pw = Tensor.vector(3);
        assertEquals(3 * Math.log(2), F.binaryCrossEntropyWithLogits(Tensor.vector(0), Tensor.vector(1), null, pw,
                Reduction.MEAN).item(), 1e-6);
        Tensor atZero = Tensor.vector(0, 0).requiresGrad(true);
        F.binaryCrossEntropyWithLogits(atZero, Tensor.vector(1, 0), null, null, Reduction.SUM).backward();
        assertArrayEquals(new float[] {-0.5f, 0.5f}, atZero.grad().toFloatArray());
    }

    @Test
    void binaryLossGradientsMatchCentralDifferences() {
        Tensor logits = leaf(15, 3, 2);
        Tensor y = Tensor.rand(new Generator(16), DType.FLOAT64, 3, 2).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {0.5, 2}, 2);
        Tensor pw = Tensor.of(new double[] {3, 0.5}, 2);
        GradCheck.check(in -> F.binaryCrossEntropyWithLogits(in[0], in[1], w, pw, Reduction.MEAN), logits, y);
        Tensor p = Ops.sigmoid(leaf(17, 3, 2)).detach().requiresGrad(true);
        GradCheck.check(in -> F.binaryCrossEntropy(in[0], in[1], w, Reduction.SUM), p, y);
        GradCheck.checkSecondOrder(in -> F.binaryCrossEntropyWithLogits(in[0], y.detach()), logits);
    }
}
