package dev.kiln.optim.lr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.optim.Optimizer;
import dev.kiln.optim.SGD;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/** Test helpers: an optimizer with two groups of different learning rates, and schedule checks. */
final class Schedules {
    static final double BASE0 = 0.1;
    static final double BASE1 = 0.02;

    private Schedules() {}

    static SGD twoGroups() {
        return new SGD(List.of(Tensor.zeros(2).requiresGrad(true)), SGD.options().lr(BASE0))
                .addParamGroup(List.of(Tensor.zeros(3).requiresGrad(true)), SGD.options().lr(BASE1));
    }

    /**
     * Checks the learning rate of both groups at epochs 0..steps against {@code factor(epoch) * base},
     * both in the optimizer and in lastLr().
     */
    static void assertFactors(LRScheduler s, Optimizer opt, int steps, IntToDoubleFunction factor) {
        for (int epoch = 0; epoch <= steps; epoch++) {
            if (epoch > 0) {
                s.step();
            }
            double f = factor.applyAsDouble(epoch);
            assertEquals(epoch, s.lastEpoch());
            assertEquals(BASE0 * f, opt.paramGroups().get(0).lr(), 1e-12 * BASE0, "group 0 at epoch " + epoch);
            assertEquals(BASE1 * f, opt.paramGroups().get(1).lr(), 1e-12 * BASE1, "group 1 at epoch " + epoch);
            assertEquals(opt.paramGroups().get(0).lr(), s.lastLr()[0]);
            assertEquals(opt.paramGroups().get(1).lr(), s.lastLr()[1]);
        }
    }

    /** Checks group 0's learning rate at epochs 0..expected.length-1 against literal values. */
    static void assertLrs(LRScheduler s, Optimizer opt, double... expected) {
        for (int epoch = 0; epoch < expected.length; epoch++) {
            if (epoch > 0) {
                s.step();
            }
            assertEquals(expected[epoch], opt.paramGroups().get(0).lr(), 1e-12, "lr at epoch " + epoch);
        }
    }
}
