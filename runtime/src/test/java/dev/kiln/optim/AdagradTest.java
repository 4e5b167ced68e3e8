package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AdagradTest {
    @Test
    void defaultsArePyTorchs() {
        Adagrad.Options o = Adagrad.options();
        assertEquals(1e-2, o.lr());
        assertEquals(0.0, o.lrDecay());
        assertEquals(0.0, o.initialAccumulatorValue());
        assertEquals(1e-10, o.eps());
    }

    @Test
    void plain() {
        // Step 1 by hand: sum = g^2, so p moves by lr * sign(g).
        Optimizer opt = ThreeSteps.checkBoth(ps -> new Adagrad(ps, Adagrad.options().lr(0.1)), new double[][] {
            {0.90000000002, -1.90000000001, 0.400000000005},
            {0.8803883865100278, -1.9196116135218952, 0.414834045297291},
            {0.9421097264853407, -1.9196116135218952, 0.3552614349904416}});
        ThreeSteps.assertEachRow(new double[] {0.42, 1.04, 6.34},
                opt.stateDict().tensors().get("state.0.sum").toDoubleArray(), 1e-12, "sum");
    }

    @Test
    void lrDecayWeightDecayAndInitialAccumulator() {
        Optimizer opt = ThreeSteps.checkBoth(ps -> new Adagrad(ps,
                        Adagrad.options().lr(0.1).lrDecay(0.5).weightDecay(0.1).initialAccumulatorValue(0.2)),
                new double[][] {
                    {0.919821627436987, -1.9062957428741534, 0.4022978369617662},
                    {0.9032549880064592, -1.906783534694221, 0.41048899451484894},
                    {0.9218580946734632, -1.8994201649645994, 0.3810376142571042}});
        ThreeSteps.assertEachRow(new double[] {0.6927554475048168, 1.6764460393598448, 6.844812275779168},
                opt.stateDict().tensors().get("state.0.sum").toDoubleArray(), 1e-12, "sum");
    }

    @Test
    void maximizeWithLargeEps() {
        ThreeSteps.checkBoth(ps -> new Adagrad(ps, Adagrad.options().lr(0.1).eps(0.5).maximize(true)), new double[][] {
            {1.05, -2.066666666666667, 0.58},
            {1.0599019513592784, -2.0535070741927792, 0.5681064465498775},
            {1.0250609937496817, -2.0535070741927792, 0.6178092953775336}});
    }

    @Test
    void floatPathMatchesDoublePath() {
        ThreeSteps.checkFloatMatchesDouble(ps -> new Adagrad(ps, Adagrad.options().lr(0.05).lrDecay(0.1).weightDecay(0.01)));
    }

    @Test
    void invalidHyperparametersNameTheParameterAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.options().lrDecay(-0.1));
        assertEquals("Adagrad: lr_decay must be a finite number >= 0, got -0.1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adagrad.options().initialAccumulatorValue(Double.NaN));
        assertEquals("Adagrad: initial_accumulator_value must be a finite number >= 0, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adagrad.options().lr(Double.NEGATIVE_INFINITY));
        assertEquals("Adagrad: lr must be a finite number >= 0, got -Infinity", e.getMessage());
    }
}
