package dev.kiln.optim.lr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposedSchedulersTest {
    @Test
    void chainedSchedulesMultiply() {
        SGD opt = Schedules.twoGroups();
        var chain = new ChainedScheduler(new LinearLR(opt, 0.5, 1.0, 4), new ExponentialLR(opt, 0.9));
        // By hand: warm-up factors 0.5, 0.625, 0.75, 0.875, 1, 1, ... times 0.9^epoch.
        Schedules.assertFactors(chain, opt, 100,
                e -> (e >= 4 ? 1 : 0.5 + 0.125 * e) * Math.pow(0.9, e));
    }

    @Test
    void chainedWarmupThenStepDecay() {
        SGD opt = Schedules.twoGroups();
        var chain = new ChainedScheduler(List.of(new LinearLR(opt, 0.1, 1.0, 10), new StepLR(opt, 20, 0.5)));
        Schedules.assertFactors(chain, opt, 100, e -> (0.1 + 0.9 * Math.min(e, 10) / 10.0) * Math.pow(0.5, e / 20));
    }

    @Test
    void sequentialWarmupThenCosine() {
        SGD opt = Schedules.twoGroups();
        var warmup = new LinearLR(opt, 0.1, 1.0, 5);
        var cosine = new CosineAnnealingLR(opt, 10);
        var seq = new SequentialLR(opt, List.of(warmup, cosine), new int[] {5});
        Schedules.assertFactors(seq, opt, 40,
                e -> e < 5 ? 0.1 + 0.9 * e / 5.0 : (1 + Math.cos(Math.PI * (e - 5) / 10)) / 2);
    }

    @Test
    void sequentialOfThree() {
        SGD opt = Schedules.twoGroups();
        var seq = new SequentialLR(opt,
                List.of(new ExponentialLR(opt, 0.5), new StepLR(opt, 2, 0.1), new CosineAnnealingWarmRestarts(opt, 3)),
                new int[] {3, 7});
        Schedules.assertLrs(seq, opt,
                0.1, 0.05, 0.025,                  // ExponentialLR from epoch 0
                0.1, 0.1, 0.01, 0.01,              // StepLR from epoch 3
                0.1, 0.075, 0.025, 0.1, 0.075);    // warm restarts (period 3) from epoch 7
    }

    @Test
    void theFirstSchedulerRecordsTheInitialLearningRate() {
        SGD opt = Schedules.twoGroups();
        new LinearLR(opt, 0.5, 1, 2);
        assertEquals(0.05, opt.paramGroups().get(0).lr(), 1e-15);
        var second = new ExponentialLR(opt, 0.5);
        assertEquals(0.1, opt.paramGroups().get(0).initialLr());
        assertEquals(0.1, second.baseLrs()[0]);
    }

    @Test
    void badCompositionsAreRejected() {
        SGD a = Schedules.twoGroups();
        SGD b = Schedules.twoGroups();
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ChainedScheduler(new StepLR(a, 2), new StepLR(b, 2)));
        assertEquals("ChainedScheduler: scheduler 1 (StepLR) belongs to a different optimizer; every scheduler must "
                + "drive the same one", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ChainedScheduler(List.of()));
        assertEquals("ChainedScheduler: expects at least one scheduler, got none", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialLR(a, List.of(new StepLR(a, 2), new StepLR(a, 3)), new int[] {}));
        assertEquals("SequentialLR: expects 1 milestones for 2 schedulers, got 0: []", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SequentialLR(a,
                List.of(new StepLR(a, 2), new StepLR(a, 3), new StepLR(a, 4)), new int[] {5, 5}));
        assertEquals("SequentialLR: milestones must be increasing epochs >= 1, got [5, 5]", e.getMessage());
    }
}
