package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdamWTest {
    @Test
    void defaultWeightDecayIsOneHundredth() {
        assertEquals(1e-2, AdamW.options().weightDecay());
        assertEquals(1e-3, AdamW.options().lr());
    }

    @Test
    void decoupledWeightDecayShrinksTheParameterBeforeTheAdamStep() {
        // Same moments as plain Adam (the decay never enters the gradient); p is scaled by 1 - lr * wd = 0.99 first.
        Optimizer opt = ThreeSteps.checkBoth(ps -> new AdamW(ps, AdamW.options().lr(0.1).weightDecay(0.1)),
                new double[][] {
                    {0.890000002, -1.880000001, 0.3950000005},
                    {0.8007959063646517, -1.8100973939804945, 0.33583019520099777},
                    {0.7834180072745651, -1.7524939568343652, 0.26011973238553265}});
        ThreeSteps.assertEachRow(new double[] {0.0095, -0.063, 0.285},
                opt.stateDict().tensors().get("state.0.exp_avg").toDoubleArray(), 1e-12, "exp_avg");
    }

    @Test
    void defaultDecayWithAmsgrad() {
        ThreeSteps.checkBoth(ps -> new AdamW(ps, AdamW.options().lr(0.1).amsgrad(true)), new double[][] {
            {0.899000002, -1.898000001, 0.3995000005},
            {0.8177969063826517, -1.8449993939894944, 0.3438806952054978},
            {0.807609169449829, -1.8036716875607266, 0.27118465364683714}});
    }

    @Test
    void floatPathMatchesDoublePath() {
        ThreeSteps.checkFloatMatchesDouble(ps -> new AdamW(ps, AdamW.options().lr(0.01).weightDecay(0.5)));
    }

    @Test
    void invalidHyperparametersNameAdamW() {
        var e = assertThrows(IllegalArgumentException.class, () -> AdamW.options().betas(0.9, 1.5));
        assertEquals("AdamW: betas[1] must be a number in [0, 1), got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdamW.options().lr(-1));
        assertEquals("AdamW: lr must be a finite number >= 0, got -1.0", e.getMessage());
    }
}
