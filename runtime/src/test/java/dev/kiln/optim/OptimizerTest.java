package dev.kiln.optim;

import static dev.kiln.ops.Ops.square;
import static dev.kiln.ops.Ops.sub;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour every optimizer shares through {@link Optimizer}: groups, gradients, versions and bad parameters. */
class OptimizerTest {
    @Test
    void paramGroupsHaveTheirOwnHyperparameters() {
        Tensor a = Tensor.of(new float[] {1, 1}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 1}, 2).requiresGrad(true);
        SGD opt = new SGD(List.of(a), SGD.options().lr(0.1)).addParamGroup(List.of(b), SGD.options().lr(0.01));
        a.setGrad(Tensor.of(new float[] {1, 2}, 2));
        b.setGrad(Tensor.of(new float[] {1, 2}, 2));
        opt.step();
        assertArrayEquals(new float[] {0.9f, 0.8f}, a.toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0.99f, 0.98f}, b.toFloatArray(), 1e-7f);
        assertEquals(2, opt.paramGroups().size());
        assertSame(b, opt.paramGroups().get(1).params().get(0));
    }

    @Test
    void aChangedLearningRateAppliesFromTheNextStep() {
        Tensor p = Tensor.of(new float[] {1}, 1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), 0.1);
        opt.options(0).lr(0.5);
        p.setGrad(Tensor.of(new float[] {1}, 1));
        opt.step();
        assertEquals(0.5, p.item(), 1e-7);
        opt.paramGroups().get(0).setLr(0.25);
        opt.step();
        assertEquals(0.25, p.item(), 1e-7);
    }

    @Test
    void zeroGradSetsEveryGradientToNull() {
        Tensor a = Tensor.zeros(2).requiresGrad(true);
        Tensor b = Tensor.zeros(3).requiresGrad(true);
        Adam opt = new Adam(List.of(a)).addParamGroup(List.of(b), Adam.options());
        a.setGrad(Tensor.ones(2));
        b.setGrad(Tensor.ones(3));
        opt.zeroGrad();
        assertNull(a.grad());
        assertNull(b.grad());
    }

    @Test
    void parametersWithoutGradientAreLeftAloneAndGetNoState() {
        Tensor a = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Adam opt = new Adam(List.of(a, b), Adam.options().lr(0.1));
        b.setGrad(Tensor.ones(2));
        opt.step();
        assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
        assertTrue(opt.stateDict().tensors().keySet().stream().noneMatch(k -> k.startsWith("state.0.")));
        assertTrue(opt.stateDict().tensors().containsKey("state.1.exp_avg"));
    }

    @Test
    void theGradientIsReadNeverWritten() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            List<java.util.function.Function<List<Tensor>, Optimizer>> makers = List.of(
                    ps -> new SGD(ps, SGD.options().momentum(0.9).weightDecay(0.1).maximize(true)),
                    ps -> new Adam(ps, Adam.options().weightDecay(0.1).amsgrad(true).maximize(true)),
                    ps -> new AdamW(ps, AdamW.options().maximize(true)),
                    ps -> new RMSprop(ps, RMSprop.options().centered(true).momentum(0.5).weightDecay(0.1)),
                    ps -> new Adagrad(ps, Adagrad.options().weightDecay(0.1).maximize(true)));
            for (var make : makers) {
                Tensor p = Tensor.randn(new Generator(1), dtype, 40).requiresGrad(true);
                Tensor g = Tensor.randn(new Generator(2), dtype, 40);
                double[] before = g.toDoubleArray();
                Optimizer opt = make.apply(List.of(p));
                p.setGrad(g);
                opt.step();
                opt.step();
                assertArrayEquals(before, g.toDoubleArray(), opt.name() + " wrote its gradient");
            }
        }
    }

    @Test
    void aStepBumpsTheParameterStorageVersion() {
        Tensor p = Tensor.zeros(4).requiresGrad(true);
        Adam opt = new Adam(List.of(p));
        p.setGrad(Tensor.ones(4));
        int before = p.storage().version();
        opt.step();
        assertEquals(before + 1, p.storage().version());
    }

    @Test
    void aStridedGradientIsReadInLogicalOrder() {
        Tensor p1 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor p2 = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor gT = Tensor.of(new float[] {1, 4, 2, 5, 3, 6}, 3, 2).t();
        SGD o1 = new SGD(List.of(p1), 0.1);
        SGD o2 = new SGD(List.of(p2), 0.1);
        p1.setGrad(gT);
        p2.setGrad(gT.contiguous());
        o1.step();
        o2.step();
        assertArrayEquals(p2.toFloatArray(), p1.toFloatArray());
        assertArrayEquals(new float[] {0.9f, 1.8f, 2.7f, 3.6f, 4.5f, 5.4f}, p1.toFloatArray(), 1e-6f);
    }

    @Test
    void aStridedParameterIsUpdatedThroughItsView() {
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor view = base.t().requiresGrad(true);
        SGD opt = new SGD(List.of(view), 1.0);
        view.setGrad(Tensor.of(new float[] {1, 0, 0, 0, 0, 2}, 2, 3));
        opt.step();
        assertArrayEquals(new float[] {0, 2, 3, 4, 5, 4}, base.toFloatArray());
    }

    @Test
    void aGradientOfAnotherDtypeIsConverted() {
        Tensor p1 = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor p2 = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Adam o1 = new Adam(List.of(p1), Adam.options().lr(0.1));
        Adam o2 = new Adam(List.of(p2), Adam.options().lr(0.1));
        p1.setGrad(Tensor.of(new double[] {0.5, -1, 2}, 3));
        p2.setGrad(Tensor.of(new float[] {0.5f, -1, 2}, 3));
        o1.step();
        o2.step();
        assertArrayEquals(p2.toFloatArray(), p1.toFloatArray());
        assertEquals(DType.FLOAT32, p1.dtype());
    }

    @Test
    void aStepRecordsNothingEvenWhenTheGradientIsOnTheGraph() {
        Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor contiguous = Tensor.ones(2, 2).requiresGrad(true).mul(2);
        Tensor strided = contiguous.t();
        for (Optimizer opt : List.of(new SGD(List.of(p), 0.5), new Adam(List.of(p)))) {
            p.setGrad(opt instanceof SGD ? strided : contiguous);
            opt.step();
            assertTrue(p.isLeaf());
            assertNull(p.gradFn());
            assertTrue(dev.kiln.autograd.GradMode.isEnabled(), "recording is on again after the step");
        }
        assertArrayEquals(new float[] {-0.001f, 0.999f, 1.999f, 2.999f}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void adamMinimizesAQuadraticThroughAutograd() {
        Tensor target = Tensor.of(new float[] {1.5f, -0.5f, 2f}, 3);
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        Adam opt = new Adam(List.of(p), Adam.options().lr(0.05));
        for (int i = 0; i < 400; i++) {
            opt.zeroGrad();
            square(sub(p, target)).sum().backward();
            opt.step();
        }
        assertArrayEquals(target.toFloatArray(), p.toFloatArray(), 1e-2f);
    }

    @Test
    void badParameterListsAreRejectedWithTheParameterNamed() {
        Tensor a = Tensor.zeros(2).requiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of()));
        assertEquals("Adam: got an empty parameter list", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(a, a)));
        assertEquals("Adam: parameter 1 of shape [2] appears more than once; a parameter may belong to one group only",
                e.getMessage());
        Adam opt = new Adam(List.of(a));
        e = assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(List.of(a), Adam.options()));
        assertTrue(e.getMessage().startsWith("Adam: parameter 1 of shape [2] appears more than once"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.arange(3)), 0.1));
        assertEquals("SGD: can only optimize floating tensors, parameter 0 is int64 of shape [3]", e.getMessage());
        Tensor nonLeaf = a.mul(2);
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(nonLeaf), 0.1));
        assertTrue(e.getMessage().startsWith("SGD: can't optimize a non-leaf tensor (parameter 0 of shape [2]"),
                e.getMessage());
        assertEquals(1, opt.paramGroups().size(), "a rejected group is not added");
    }

    @Test
    void toStringListsEachGroupsHyperparameters() {
        String s = new Adam(List.of(Tensor.zeros(1).requiresGrad(true))).toString();
        assertTrue(s.startsWith("Adam (\nParameter Group 0\n    lr: 0.001"), s);
        assertTrue(s.contains("betas: [0.9, 0.999]"), s);
    }
}
