package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void defaultsArePyTorchs() {
        Adam.Options o = Adam.options();
        assertEquals(1e-3, o.lr());
        assertEquals(0.9, o.beta1());
        assertEquals(0.999, o.beta2());
        assertEquals(1e-8, o.eps());
        assertEquals(0.0, o.weightDecay());
        assertEquals(false, o.amsgrad());
        assertEquals(false, o.maximize());
    }

    @Test
    void firstStepMovesEachElementByLrTimesTheSignOfItsGradient() {
        // By hand: m = 0.1 g, v = 0.001 g^2, so m / (1 - 0.9) / sqrt(v / (1 - 0.999)) = g / |g|.
        Tensor p = ThreeSteps.param(DType.FLOAT64);
        Adam opt = new Adam(List.of(p), Adam.options().lr(0.1).eps(0));
        p.setGrad(ThreeSteps.grad(0, DType.FLOAT64));
        opt.step();
        ThreeSteps.assertEachRow(new double[] {0.9, -1.9, 0.4}, p.toDoubleArray(), 1e-15, "first step");
    }

    @Test
    void threeSteps() {
        Optimizer opt = ThreeSteps.checkBoth(ps -> new Adam(ps, Adam.options().lr(0.1)), new double[][] {
            {0.900000002, -1.900000001, 0.4000000005},
            {0.8196959063846517, -1.8488973939904945, 0.3447801952059978},
            {0.8103259663582116, -1.8093949307841701, 0.27242803434254265}});
        Map<String, Tensor> state = opt.stateDict().tensors();
        assertEquals(3, (long) state.get("state.0.step").item());
        ThreeSteps.assertEachRow(new double[] {0.0095, -0.063, 0.285}, state.get("state.0.exp_avg").toDoubleArray(), 1e-12,
                "exp_avg");
        ThreeSteps.assertEachRow(new double[] {0.00041949025, 0.001037961, 0.006331914},
                state.get("state.0.exp_avg_sq").toDoubleArray(), 1e-12, "exp_avg_sq");
        assertEquals(null, state.get("state.0.max_exp_avg_sq"));
    }

    @Test
    void coupledWeightDecayWithAmsgrad() {
        Optimizer opt = ThreeSteps.checkBoth(ps -> new Adam(ps, Adam.options().lr(0.1).weightDecay(0.1).amsgrad(true)),
                new double[][] {
                    {0.9000000016666666, -1.9000000008333333, 0.4000000004878049},
                    {0.8136483454297575, -1.8336478015085491, 0.34289464339168174},
                    {0.7829837790790071, -1.773264941746771, 0.2693595631292525}});
        ThreeSteps.assertEachRow(new double[] {0.0004968726287290957, 0.0014708439825981078, 0.006615675762856836},
                opt.stateDict().tensors().get("state.0.max_exp_avg_sq").toDoubleArray(), 1e-12, "max_exp_avg_sq");
    }

    @Test
    void maximizeWithOtherBetasAndEps() {
        ThreeSteps.checkBoth(ps -> new Adam(ps, Adam.options().lr(0.1).betas(0.5, 0.6).eps(0.1).maximize(true)),
                new double[][] {
                    {1.0833333333333333, -2.090909090909091, 0.5952380952380952},
                    {1.1393923837821431, -2.1182145028082537, 0.6298701942514598},
                    {1.1115270721861832, -2.1340106828980403, 0.7011974940096932}});
    }

    @Test
    void floatPathMatchesDoublePath() {
        ThreeSteps.checkFloatMatchesDouble(ps -> new Adam(ps, Adam.options().lr(0.01)));
        ThreeSteps.checkFloatMatchesDouble(ps -> new Adam(ps, Adam.options().lr(0.01).weightDecay(0.1).amsgrad(true)));
    }

    @Test
    void invalidHyperparametersNameTheParameterAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adam.options().lr(Double.NaN));
        assertEquals("Adam: lr must be a finite number >= 0, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options().lr(Double.POSITIVE_INFINITY));
        assertEquals("Adam: lr must be a finite number >= 0, got Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options().betas(1.0, 0.999));
        assertEquals("Adam: betas[0] must be a number in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options().betas(0.9, -0.1));
        assertEquals("Adam: betas[1] must be a number in [0, 1), got -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options().eps(-1e-8));
        assertEquals("Adam: eps must be a finite number >= 0, got -1.0E-8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options().weightDecay(Double.NaN));
        assertEquals("Adam: weight_decay must be a finite number >= 0, got NaN", e.getMessage());
    }

    @Test
    void aLargeParameterUpdatedOnTwoThreadsEqualsOneThreadBitForBit() {
        // 100,003 elements: over the worker pool's grain, so the update is split, with a ragged end.
        float[][] results = new float[2][];
        int before = dev.kiln.backend.cpu.Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                dev.kiln.backend.cpu.Parallel.setThreads(threads);
                dev.kiln.tensor.Generator g = new dev.kiln.tensor.Generator(11);
                Tensor p = Tensor.randn(g, 100_003).requiresGrad(true);
                Adam opt = new Adam(List.of(p), Adam.options().lr(0.01).weightDecay(0.01).amsgrad(true));
                for (int step = 0; step < 3; step++) {
                    p.setGrad(Tensor.randn(g, 100_003));
                    opt.step();
                }
                results[threads - 1] = p.toFloatArray();
            }
        } finally {
            dev.kiln.backend.cpu.Parallel.setThreads(before);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[0], results[1]);
    }
}
