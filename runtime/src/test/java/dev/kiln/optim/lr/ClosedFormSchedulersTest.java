package dev.kiln.optim.lr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.optim.SGD;
import org.junit.jupiter.api.Test;

/**
 * Each scheduler against literal values worked out by hand, and over hundreds of steps against
 * PyTorch's own step-by-step (chainable) form of the same schedule, computed here independently.
 */
class ClosedFormSchedulersTest {
    @Test
    void stepLR() {
        SGD opt = Schedules.twoGroups();
        Schedules.assertLrs(new StepLR(opt, 3, 0.5), opt, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025);
        SGD opt2 = Schedules.twoGroups();
        // PyTorch's chainable form: multiply by gamma whenever epoch % step_size == 0.
        double[] f = {1};
        Schedules.assertFactors(new StepLR(opt2, 7, 0.9), opt2, 300, e -> {
            if (e > 0 && e % 7 == 0) {
                f[0] *= 0.9;
            }
            return f[0];
        });
    }

    @Test
    void multiStepLRCountsRepeatedMilestonesTwice() {
        SGD opt = Schedules.twoGroups();
        MultiStepLR s = new MultiStepLR(opt, new int[] {5, 2, 5}, 0.1);
        Schedules.assertLrs(s, opt, 0.1, 0.1, 0.01, 0.01, 0.01, 0.0001, 0.0001);
    }

    @Test
    void exponentialLR() {
        SGD opt = Schedules.twoGroups();
        Schedules.assertLrs(new ExponentialLR(opt, 0.5), opt, 0.1, 0.05, 0.025, 0.0125);
        SGD opt2 = Schedules.twoGroups();
        double[] f = {1};
        Schedules.assertFactors(new ExponentialLR(opt2, 0.97), opt2, 300, e -> e == 0 ? 1 : (f[0] *= 0.97));
    }

    @Test
    void cosineAnnealingLR() {
        SGD opt = Schedules.twoGroups();
        double c = (1 + Math.cos(Math.PI / 4)) / 2;
        Schedules.assertLrs(new CosineAnnealingLR(opt, 4), opt, 0.1, 0.1 * c, 0.05, 0.1 * (1 - c), 0, 0.1 * (1 - c));
        // PyTorch's chainable form, including its branch at the bottom of each period, with eta_min > 0.
        double etaMin = 0.001;
        int tMax = 25;
        double[] lr = {Schedules.BASE0};
        CosineAnnealingLR s = new CosineAnnealingLR(Schedules.twoGroups(), tMax, etaMin);
        for (int e = 1; e <= 300; e++) {
            if ((e - 1 - tMax) % (2 * tMax) == 0) {
                lr[0] = lr[0] + (Schedules.BASE0 - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lr[0] = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (lr[0] - etaMin)
                        + etaMin;
            }
            s.step();
            assertEquals(lr[0], s.lastLr()[0], 1e-12, "epoch " + e);
        }
    }

    @Test
    void cosineAnnealingWarmRestartsWithGrowingPeriods() {
        SGD opt = Schedules.twoGroups();
        CosineAnnealingWarmRestarts s = new CosineAnnealingWarmRestarts(opt, 10, 2, 0.001);
        // PyTorch's stepping: T_cur += 1; at the end of a period it restarts and the period grows by T_mult.
        int tCur = 0;
        int tI = 10;
        for (int e = 0; e <= 300; e++) {
            if (e > 0) {
                s.step();
                tCur++;
                if (tCur >= tI) {
                    tCur -= tI;
                    tI *= 2;
                }
            }
            double expected = 0.001 + (Schedules.BASE0 - 0.001) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
            assertEquals(expected, s.lastLr()[0], 1e-12, "epoch " + e);
        }
        // By hand: restarts at 10, 30 and 70; halfway through the first three periods at 5, 20 and 50.
        CosineAnnealingWarmRestarts h = new CosineAnnealingWarmRestarts(Schedules.twoGroups(), 10, 2, 0);
        for (int e : new int[] {0, 10, 30, 70}) {
            assertEquals(0.1, h.lrAt(e, 0.1), 1e-15, "restart at " + e);
        }
        for (int e : new int[] {5, 20, 50}) {
            assertEquals(0.05, h.lrAt(e, 0.1), 1e-15, "halfway at " + e);
        }
    }

    @Test
    void cosineAnnealingWarmRestartsWithFixedPeriods() {
        SGD opt = Schedules.twoGroups();
        CosineAnnealingWarmRestarts s = new CosineAnnealingWarmRestarts(opt, 4);
        double c = (1 + Math.cos(Math.PI / 4)) / 2;
        Schedules.assertLrs(s, opt, 0.1, 0.1 * c, 0.05, 0.1 * (1 - c), 0.1, 0.1 * c, 0.05);
    }

    @Test
    void linearLRWarmsUpThenHolds() {
        SGD opt = Schedules.twoGroups();
        Schedules.assertLrs(new LinearLR(opt, 0.25, 1.0, 3), opt, 0.025, 0.05, 0.075, 0.1, 0.1, 0.1);
        // PyTorch's chainable form.
        SGD opt2 = Schedules.twoGroups();
        double start = 0.01;
        double end = 0.8;
        int total = 50;
        double[] f = {start};
        Schedules.assertFactors(new LinearLR(opt2, start, end, total), opt2, 200, e -> {
            if (e > 0 && e <= total) {
                f[0] *= 1 + (end - start) / (total * start + (e - 1) * (end - start));
            }
            return f[0];
        });
    }

    @Test
    void pyTorchsLinearLRDefaults() {
        SGD opt = Schedules.twoGroups();
        Schedules.assertLrs(new LinearLR(opt), opt, 0.1 / 3, 0.1 * 7 / 15, 0.1 * 9 / 15, 0.1 * 11 / 15,
                0.1 * 13 / 15, 0.1, 0.1);
    }

    @Test
    void lambdaLR() {
        SGD opt = Schedules.twoGroups();
        Schedules.assertFactors(new LambdaLR(opt, e -> 1.0 / (1 + e)), opt, 50, e -> 1.0 / (1 + e));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LambdaLR(Schedules.twoGroups(), ep -> ep == 0 ? 1 : Double.NaN).step());
        assertEquals("LambdaLR: the factor function returned NaN for epoch 1; it must return a finite number >= 0",
                e.getMessage());
    }

    @Test
    void badHyperparametersAreNamed() {
        SGD opt = Schedules.twoGroups();
        assertMessage("StepLR: step_size must be an integer >= 1, got 0", () -> new StepLR(opt, 0));
        assertMessage("StepLR: gamma must be a finite number >= 0, got NaN", () -> new StepLR(opt, 1, Double.NaN));
        assertMessage("MultiStepLR: milestones must be epochs >= 0, got [3, -1]",
                () -> new MultiStepLR(opt, new int[] {3, -1}));
        assertMessage("ExponentialLR: gamma must be a finite number >= 0, got -0.5", () -> new ExponentialLR(opt, -0.5));
        assertMessage("CosineAnnealingLR: T_max must be an integer >= 1, got 0", () -> new CosineAnnealingLR(opt, 0));
        assertMessage("CosineAnnealingLR: eta_min must be a finite number >= 0, got Infinity",
                () -> new CosineAnnealingLR(opt, 5, Double.POSITIVE_INFINITY));
        assertMessage("CosineAnnealingWarmRestarts: T_0 must be an integer >= 1, got 0",
                () -> new CosineAnnealingWarmRestarts(opt, 0));
        assertMessage("CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got 0",
                () -> new CosineAnnealingWarmRestarts(opt, 5, 0, 0));
        assertMessage("LinearLR: start_factor must be a number in (0, 1], got 0.0", () -> new LinearLR(opt, 0, 1, 5));
        assertMessage("LinearLR: end_factor must be a number in [0.0, 1.0], got 1.5", () -> new LinearLR(opt, 0.5, 1.5, 5));
        assertMessage("LinearLR: total_iters must be an integer >= 1, got 0", () -> new LinearLR(opt, 0.5, 1, 0));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable body) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, body).getMessage());
    }
}
