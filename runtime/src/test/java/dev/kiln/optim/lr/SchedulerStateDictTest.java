package dev.kiln.optim.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.optim.SGD;
import dev.kiln.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SchedulerStateDictTest {
    private static List<Function<SGD, LRScheduler>> makers() {
        return List.of(
                o -> new StepLR(o, 3, 0.5),
                o -> new MultiStepLR(o, new int[] {2, 6}, 0.3),
                o -> new ExponentialLR(o, 0.9),
                o -> new CosineAnnealingLR(o, 8, 0.001),
                o -> new CosineAnnealingWarmRestarts(o, 3, 2, 0.002),
                o -> new LinearLR(o, 0.2, 0.9, 6),
                o -> new LambdaLR(o, e -> 1.0 / (1 + e)),
                o -> new ChainedScheduler(new LinearLR(o, 0.5, 1, 3), new ExponentialLR(o, 0.8)),
                o -> new SequentialLR(o, List.of(new LinearLR(o, 0.5, 1, 3), new CosineAnnealingLR(o, 5)),
                        new int[] {4}));
    }

    @Test
    void aResumedSchedulerContinuesExactly() {
        for (var make : makers()) {
            SGD opt = Schedules.twoGroups();
            LRScheduler s = make.apply(opt);
            for (int i = 0; i < 7; i++) {
                s.step();
            }
            Map<String, Object> state = s.stateDict();
            SGD opt2 = Schedules.twoGroups();
            LRScheduler resumed = make.apply(opt2);
            resumed.loadStateDict(state);
            assertEquals(7, resumed.lastEpoch(), s.name());
            for (int i = 0; i < 12; i++) {
                s.step();
                resumed.step();
                assertArrayEquals(s.lastLr(), resumed.lastLr(), s.name() + " at step " + i);
                assertEquals(opt.paramGroups().get(1).lr(), opt2.paramGroups().get(1).lr());
            }
        }
    }

    @Test
    void loadingRestoresHyperparameters() {
        StepLR saved = new StepLR(Schedules.twoGroups(), 3, 0.5);
        Map<String, Object> state = saved.stateDict();
        assertEquals("StepLR", state.get("scheduler"));
        assertEquals(0, state.get("last_epoch"));
        assertEquals(List.of(0.1, 0.02), state.get("base_lrs"));
        assertEquals(3, state.get("step_size"));
        assertEquals(0.5, state.get("gamma"));
        StepLR other = new StepLR(Schedules.twoGroups(), 10, 0.1);
        other.loadStateDict(state);
        assertEquals(0.025, other.lrAt(6, 0.1), 1e-15);
    }

    @Test
    void badStateDictsAreRejectedAndChangeNothing() {
        SGD opt = Schedules.twoGroups();
        StepLR s = new StepLR(opt, 3, 0.5);
        s.step();
        var e = assertThrows(IllegalArgumentException.class,
                () -> s.loadStateDict(new ExponentialLR(Schedules.twoGroups(), 0.5).stateDict()));
        assertEquals("StepLR.loadStateDict: the state dict is from ExponentialLR, not StepLR", e.getMessage());

        Map<String, Object> bad = new LinkedHashMap<>(s.stateDict());
        bad.put("gamma", -2.0);
        bad.put("last_epoch", 5);
        e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(bad));
        assertEquals("StepLR: gamma must be a finite number >= 0, got -2.0", e.getMessage());
        assertEquals(1, s.lastEpoch());

        bad.put("gamma", 0.5);
        bad.put("base_lrs", List.of(0.1));
        e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(bad));
        assertEquals("StepLR.loadStateDict: the state dict has 1 base_lrs and 2 last_lr values but the optimizer has 2 "
                + "parameter groups", e.getMessage());

        bad.remove("base_lrs");
        e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(bad));
        assertEquals("StepLR.loadStateDict: base_lrs is missing", e.getMessage());
    }

    @Test
    void aGroupAddedAfterTheSchedulerIsReported() {
        SGD opt = Schedules.twoGroups();
        StepLR s = new StepLR(opt, 3);
        opt.addParamGroup(List.of(Tensor.zeros(1).requiresGrad(true)), SGD.options());
        var e = assertThrows(IllegalStateException.class, s::step);
        assertEquals("StepLR: the optimizer has 3 parameter groups but the scheduler was created for 2; create the "
                + "scheduler after adding every group", e.getMessage());
    }
}
