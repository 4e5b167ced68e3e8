package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RMSpropTest {
    @Test
    void defaultsArePyTorchs() {
        RMSprop.Options o = RMSprop.options();
        assertEquals(1e-2, o.lr());
        assertEquals(0.99, o.alpha());
        assertEquals(1e-8, o.eps());
        assertEquals(0.0, o.momentum());
        assertEquals(false, o.centered());
    }

    @Test
    void plain() {
        // Step 1 by hand: v = 0.01 g^2, so g / sqrt(v) = 10 sign(g) and p moves by 0.1.
        Optimizer opt = ThreeSteps.checkBoth(ps -> new RMSprop(ps, RMSprop.options().lr(0.01)), new double[][] {
            {0.900000019999996, -1.900000009999999, 0.40000000499999977},
            {0.8802934383202046, -1.9197065936215374, 0.4149071241092577},
            {0.9423910822237127, -1.9197065936215374, 0.35495267458737406}});
        Map<String, Tensor> state = opt.stateDict().tensors();
        ThreeSteps.assertEachRow(new double[] {0.00414925, 0.010197, 0.062595},
                state.get("state.0.square_avg").toDoubleArray(), 1e-12, "square_avg");
        assertEquals(3, (long) state.get("state.0.step").item());
        assertEquals(null, state.get("state.0.momentum_buffer"));
    }

    @Test
    void centeredWithMomentumAndWeightDecay() {
        Optimizer opt = ThreeSteps.checkBoth(
                ps -> new RMSprop(ps, RMSprop.options().lr(0.01).weightDecay(0.1).momentum(0.9).centered(true)),
                new double[][] {
                    {0.8994962353090928, -1.8994962268915865, 0.39949622340140056},
                    {0.7784826402260491, -1.8098886781477577, 0.3217368322826739},
                    {0.7155790715399254, -1.7140859031777924, 0.19130935874102817}});
        Map<String, Tensor> state = opt.stateDict().tensors();
        ThreeSteps.assertEachRow(new double[] {0.004539583913182055, -0.013471589942770439, 0.03283928809345009},
                state.get("state.0.grad_avg").toDoubleArray(), 1e-12, "grad_avg");
        ThreeSteps.assertEachRow(new double[] {6.290356868612369, -9.580277496996532, 13.042747354164575},
                state.get("state.0.momentum_buffer").toDoubleArray(), 1e-11, "momentum_buffer");
    }

    @Test
    void maximizeWithSmallAlpha() {
        ThreeSteps.checkBoth(ps -> new RMSprop(ps, RMSprop.options().lr(0.01).alpha(0.5).maximize(true)),
                new double[][] {
                    {1.014142135223731, -2.014142135423731, 0.514142135523731},
                    {1.0179911368701804, -2.0102931337032075, 0.511207439624172},
                    {1.006131148155251, -2.0102931337032075, 0.5228937803400993}});
    }

    @Test
    void floatPathMatchesDoublePath() {
        ThreeSteps.checkFloatMatchesDouble(ps -> new RMSprop(ps, RMSprop.options().lr(0.001)));
        ThreeSteps.checkFloatMatchesDouble(
                ps -> new RMSprop(ps, RMSprop.options().lr(0.001).momentum(0.9).centered(true).weightDecay(0.01)));
    }

    @Test
    void invalidHyperparametersNameTheParameterAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.options().alpha(-0.5));
        assertEquals("RMSprop: alpha must be a finite number >= 0, got -0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RMSprop.options().eps(Double.NaN));
        assertEquals("RMSprop: eps must be a finite number >= 0, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RMSprop.options().momentum(-1));
        assertEquals("RMSprop: momentum must be a finite number >= 0, got -1.0", e.getMessage());
    }
}
