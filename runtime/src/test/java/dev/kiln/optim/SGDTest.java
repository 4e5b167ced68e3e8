package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SGDTest {
    @Test
    void plainStepIsParamMinusLrTimesGrad() {
        ThreeSteps.checkBoth(ps -> new SGD(ps, 0.1), new double[][] {
            {0.95, -1.9, 0.3},
            {0.94, -1.92, 0.33},
            {0.98, -1.92, 0.18}});
    }

    @Test
    void momentumWithDampeningAndWeightDecay() {
        Optimizer opt = ThreeSteps.checkBoth(
                ps -> new SGD(ps, SGD.options().lr(0.1).momentum(0.9).dampening(0.1).weightDecay(0.01)),
                new double[][] {
                    {0.949, -1.898, 0.2995},
                    {0.8932458999999999, -1.8224917999999999, 0.14578044999999998},
                    {0.8782632886899999, -1.75289417738, -0.12769834740500005}});
        Tensor buf = opt.stateDict().tensors().get("state.0.momentum_buffer");
        ThreeSteps.assertEachRow(new double[] {0.1498261131, -0.6959762262, 2.73478797405}, buf.toDoubleArray(), 1e-12,
                "momentum buffer");
    }

    @Test
    void nesterovMomentum() {
        Optimizer opt = ThreeSteps.checkBoth(ps -> new SGD(ps, SGD.options().lr(0.1).momentum(0.9).nesterov(true)),
                new double[][] {
                    {0.905, -1.81, 0.12},
                    {0.8455, -1.767, 0.015},
                    {0.87695, -1.7103, -0.3915}});
        ThreeSteps.assertEachRow(new double[] {0.095, -0.63, 2.85},
                opt.stateDict().tensors().get("state.0.momentum_buffer").toDoubleArray(), 1e-12, "momentum buffer");
    }

    @Test
    void maximizeAscends() {
        ThreeSteps.checkBoth(ps -> new SGD(ps, SGD.options().lr(0.1).momentum(0.5).maximize(true)), new double[][] {
            {1.05, -2.1, 0.7},
            {1.085, -2.13, 0.77},
            {1.0625, -2.145, 0.955}});
    }

    @Test
    void floatPathMatchesDoublePath() {
        ThreeSteps.checkFloatMatchesDouble(ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.9).weightDecay(0.1)));
        ThreeSteps.checkFloatMatchesDouble(ps -> new SGD(ps, SGD.options().lr(0.05).momentum(0.9).nesterov(true)));
        ThreeSteps.checkFloatMatchesDouble(ps -> new SGD(ps, 0.05));
    }

    @Test
    void plainSgdKeepsNoState() {
        Optimizer opt = ThreeSteps.check(dev.kiln.tensor.DType.FLOAT64, ps -> new SGD(ps, 0.1), new double[][] {
            {0.95, -1.9, 0.3}, {0.94, -1.92, 0.33}, {0.98, -1.92, 0.18}}, 1e-12);
        assertTrue(opt.stateDict().tensors().isEmpty());
    }

    @Test
    void invalidHyperparametersNameTheParameterAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> SGD.options().lr(-0.1));
        assertEquals("SGD: lr must be a finite number >= 0, got -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SGD.options().momentum(Double.NaN));
        assertEquals("SGD: momentum must be a finite number >= 0, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SGD.options().weightDecay(-1));
        assertEquals("SGD: weight_decay must be a finite number >= 0, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SGD.options().dampening(Double.POSITIVE_INFINITY));
        assertEquals("SGD: dampening must be a finite number, got Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(java.util.List.of(ThreeSteps.param(dev.kiln.tensor.DType.FLOAT32)),
                        SGD.options().nesterov(true)));
        assertEquals("SGD: nesterov momentum requires momentum > 0 and dampening = 0, got momentum=0.0, dampening=0.0",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(java.util.List.of(ThreeSteps.param(dev.kiln.tensor.DType.FLOAT32)), Double.NaN));
        assertEquals("SGD: lr must be a finite number >= 0, got NaN", e.getMessage());
    }
}
