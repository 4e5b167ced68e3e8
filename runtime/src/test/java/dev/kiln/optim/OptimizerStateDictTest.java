package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Saving and restoring optimizer state: a resumed run continues bit for bit, and bad state dicts are named. */
class OptimizerStateDictTest {
    private static List<Tensor> params(long seed) {
        Generator gen = new Generator(seed);
        return List.of(Tensor.randn(gen, 7, 5).requiresGrad(true), Tensor.randn(gen, 5).requiresGrad(true),
                Tensor.randn(gen, 3, 2).requiresGrad(true));
    }

    private static void setGrads(List<Tensor> ps, Generator gen) {
        for (Tensor p : ps) {
            p.setGrad(Tensor.randn(gen, p.shape()));
        }
    }

    /** Two groups (the last parameter alone, with a different learning rate). */
    private static List<Function<List<Tensor>, Optimizer>> makers() {
        return List.of(
                ps -> new SGD(ps.subList(0, 2), SGD.options().lr(0.1).momentum(0.9).nesterov(true))
                        .addParamGroup(ps.subList(2, 3), SGD.options().lr(0.01).momentum(0.5)),
                ps -> new Adam(ps.subList(0, 2), Adam.options().lr(0.01).amsgrad(true))
                        .addParamGroup(ps.subList(2, 3), Adam.options().lr(0.1)),
                ps -> new AdamW(ps.subList(0, 2), AdamW.options().lr(0.01))
                        .addParamGroup(ps.subList(2, 3), AdamW.options().lr(0.1).weightDecay(0.5)),
                ps -> new RMSprop(ps.subList(0, 2), RMSprop.options().momentum(0.9).centered(true))
                        .addParamGroup(ps.subList(2, 3), RMSprop.options()),
                ps -> new Adagrad(ps.subList(0, 2), Adagrad.options().lrDecay(0.1))
                        .addParamGroup(ps.subList(2, 3), Adagrad.options().initialAccumulatorValue(0.3)));
    }

    @Test
    void aResumedRunContinuesExactly() {
        for (var make : makers()) {
            List<Tensor> ps = params(1);
            Optimizer opt = make.apply(ps);
            Generator gradGen = new Generator(2);
            for (int i = 0; i < 3; i++) {
                setGrads(ps, gradGen);
                opt.step();
            }
            OptimizerStateDict saved = opt.stateDict();
            List<Tensor> resumedParams = new ArrayList<>();
            for (Tensor p : ps) {
                resumedParams.add(p.copy().requiresGrad(true));
            }
            long[] genState = gradGen.state();
            for (int i = 0; i < 2; i++) {
                setGrads(ps, gradGen);
                opt.step();
            }

            // A fresh optimizer with other hyperparameters: loading restores them too.
            Optimizer resumed = make.apply(resumedParams);
            resumed.paramGroups().get(0).setLr(123);
            resumed.loadStateDict(saved);
            Generator resumedGen = new Generator(0);
            resumedGen.setState(genState);
            for (int i = 0; i < 2; i++) {
                setGrads(resumedParams, resumedGen);
                resumed.step();
            }
            for (int k = 0; k < ps.size(); k++) {
                assertArrayEquals(ps.get(k).toFloatArray(), resumedParams.get(k).toFloatArray(),
                        opt.name() + ": parameter " + k + " differs after resuming");
            }
        }
    }

    @Test
    void metadataIsJsonAbleWithPyTorchKeys() {
        List<Tensor> ps = params(3);
        Adam opt = new Adam(ps.subList(0, 2), Adam.options().lr(0.01)).addParamGroup(ps.subList(2, 3), Adam.options());
        opt.paramGroups().get(0).setInitialLr(0.01);
        setGrads(ps, new Generator(4));
        opt.step();
        OptimizerStateDict sd = opt.stateDict();
        assertEquals("Adam", sd.metadata().get("optimizer"));
        List<?> groups = (List<?>) sd.metadata().get("param_groups");
        Map<?, ?> g0 = (Map<?, ?>) groups.get(0);
        assertEquals(0.01, g0.get("lr"));
        assertEquals(List.of(0.9, 0.999), g0.get("betas"));
        assertEquals(1e-8, g0.get("eps"));
        assertEquals(0.0, g0.get("weight_decay"));
        assertEquals(false, g0.get("amsgrad"));
        assertEquals(0.01, g0.get("initial_lr"));
        assertEquals(List.of(0, 1), g0.get("params"));
        assertEquals(List.of(2), ((Map<?, ?>) groups.get(1)).get("params"));
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.1.step", "state.1.exp_avg",
                "state.1.exp_avg_sq", "state.2.step", "state.2.exp_avg", "state.2.exp_avg_sq"),
                new ArrayList<>(sd.tensors().keySet()));
        assertEquals(DType.INT64, sd.tensors().get("state.0.step").dtype());
        assertEquals(0, sd.tensors().get("state.0.step").dim());
    }

    @Test
    void theSnapshotDoesNotChangeAsTrainingGoesOn() {
        List<Tensor> ps = params(5);
        Adam opt = new Adam(ps);
        setGrads(ps, new Generator(6));
        opt.step();
        OptimizerStateDict sd = opt.stateDict();
        float[] before = sd.tensors().get("state.0.exp_avg").toFloatArray();
        opt.step();
        assertArrayEquals(before, sd.tensors().get("state.0.exp_avg").toFloatArray());
        assertEquals(1, (long) sd.tensors().get("state.0.step").item());
    }

    private static Adam trained() {
        List<Tensor> ps = params(7);
        Adam opt = new Adam(ps);
        setGrads(ps, new Generator(8));
        opt.step();
        return opt;
    }

    private static OptimizerStateDict withTensors(OptimizerStateDict sd, Map<String, Tensor> tensors) {
        return new OptimizerStateDict(tensors, sd.metadata());
    }

    @Test
    void mismatchedStateDictsAreRejectedByNameAndLeaveTheOptimizerAlone() {
        Adam opt = trained();
        OptimizerStateDict good = opt.stateDict();

        var e = assertThrows(IllegalArgumentException.class,
                () -> new SGD(params(1), 0.1).loadStateDict(good));
        assertEquals("SGD.loadStateDict: the state dict is from Adam, not SGD", e.getMessage());

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good.tensors());
        wrongShape.put("state.1.exp_avg", Tensor.zeros(4));
        e = assertThrows(ShapeException.class, () -> opt.loadStateDict(withTensors(good, wrongShape)));
        assertEquals("Adam.loadStateDict: state.1.exp_avg has shape [4] but its parameter has shape [5]", e.getMessage());

        Map<String, Tensor> extra = new LinkedHashMap<>(good.tensors());
        extra.put("state.0.momentum", Tensor.zeros(7, 5));
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(withTensors(good, extra)));
        assertEquals("Adam.loadStateDict: unexpected keys [state.0.momentum]", e.getMessage());

        Map<String, Tensor> missing = new LinkedHashMap<>(good.tensors());
        missing.remove("state.2.exp_avg_sq");
        e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(withTensors(good, missing)));
        assertEquals("Adam.loadStateDict: missing key state.2.exp_avg_sq", e.getMessage());

        Map<String, Object> badLr = new LinkedHashMap<>(good.metadata());
        Map<String, Object> group = new LinkedHashMap<>((Map<String, ?>) ((List<?>) badLr.get("param_groups")).get(0));
        group.put("lr", Double.NaN);
        badLr.put("param_groups", List.of(group));
        e = assertThrows(IllegalArgumentException.class,
                () -> opt.loadStateDict(new OptimizerStateDict(good.tensors(), badLr)));
        assertEquals("Adam: lr must be a finite number >= 0, got NaN", e.getMessage());

        group.put("lr", 0.5);
        group.remove("eps");
        e = assertThrows(IllegalArgumentException.class,
                () -> opt.loadStateDict(new OptimizerStateDict(good.tensors(), badLr)));
        assertEquals("Adam.loadStateDict: param_groups[0].eps is missing", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new Adam(params(1).subList(0, 2)).loadStateDict(good));
        assertEquals("Adam.loadStateDict: param_groups[0] has 3 parameters but this optimizer's group 0 has 2",
                e.getMessage());

        assertEquals(1e-3, opt.paramGroups().get(0).lr(), "a failed load changes nothing");
        assertArrayEquals(good.tensors().get("state.1.exp_avg").toFloatArray(),
                opt.stateDict().tensors().get("state.1.exp_avg").toFloatArray());
    }

    @Test
    void aGroupCountMismatchIsReported() {
        List<Tensor> ps = params(9);
        Adam two = new Adam(ps.subList(0, 1)).addParamGroup(ps.subList(1, 3), Adam.options());
        var e = assertThrows(IllegalArgumentException.class, () -> two.loadStateDict(trained().stateDict()));
        assertEquals("Adam.loadStateDict: the state dict has 1 parameter groups but this optimizer has 2", e.getMessage());
        assertTrue(trained().stateDict().metadata().containsKey("param_groups"));
    }
}
