package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.GELU;
import dev.kiln.nn.Identity;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops, {@code if}s, own-method calls and shape checks through the compiled path, and the seeded
 * stress set: random compositions of layers and random op chains, compiled against eager.
 */
class ControlFlowCompiledTest {

    @Test
    void loopsIfsAndInlinedMethodsMatchEager() {
        Generator g = new Generator(31);
        LoopNet net = new LoopNet(g, DType.FLOAT32);
        assertNotNull(net.compiledForward());
        CompiledCheck.assertMatchesEager(net, 1e-5, null, Tensor.randn(g, 5, 4));
        net.eval();
        CompiledCheck.assertMatchesEager(net, 1e-5, null, Tensor.randn(g, 5, 4));
    }

    @Test
    void loopsPassFloat64GradCheck() {
        Generator g = new Generator(32);
        LoopNet net = new LoopNet(g, DType.FLOAT64);
        GradCheck.check(in -> net.apply(in[0]), Tensor.randn(g, DType.FLOAT64, 3, 4).requiresGrad(true));
    }

    @Test
    void aShapeCheckInTheBodyStillThrows() {
        LoopNet net = new LoopNet(new Generator(33), DType.FLOAT32);
        ShapeException e = assertThrows(ShapeException.class,
                () -> net.apply(Tensor.randn(new Generator(1), 2, 2, 4).requiresGrad(true)));
        assertTrue(e.getMessage().contains("LoopNet: input of shape [2, 2, 4] must be 2-d"), e.getMessage());
    }

    @Test
    void backwardWithRetainedGraphRunsTheLoopTwice() {
        Generator g = new Generator(34);
        LoopNet net = new LoopNet(g, DType.FLOAT32);
        Tensor x = Tensor.randn(g, 3, 4).requiresGrad(true);
        Tensor y = net.apply(x).sum();
        y.backward(null, true, false);
        float[] once = x.grad().toFloatArray();
        y.backward();
        float[] twice = x.grad().toFloatArray();
        for (int i = 0; i < once.length; i++) {
            assertTrue(Math.abs(2 * once[i] - twice[i]) < 1e-4, "element " + i);
        }
    }

    /** A random stack of layers: Linear, activations, Residual and nested Sequential. */
    private static Module randomLayers(Generator g, int width, int depth) {
        Sequential seq = new Sequential();
        for (int i = 0; i < depth; i++) {
            int pick = (int) (Tensor.rand(g, 1).item() * 8);
            switch (pick) {
                case 0 -> seq.add(new Linear(width, width, true, g, DType.FLOAT32));
                case 1 -> seq.add(new Linear(width, width, false, g, DType.FLOAT32));
                case 2 -> seq.add(new ReLU());
                case 3 -> seq.add(new Tanh());
                case 4 -> seq.add(new Sigmoid());
                case 5 -> seq.add(new GELU());
                case 6 -> seq.add(new Residual(new Sequential(new Linear(width, width, true, g, DType.FLOAT32),
                        new Tanh())));
                default -> seq.add(depth > 2 ? randomLayers(g, width, 2) : new Identity());
            }
        }
        return seq;
    }

    @Test
    void randomCompositionsOfLayersMatchEager() {
        for (int seed = 0; seed < 20; seed++) {
            Generator g = new Generator(1000 + seed);
            int width = 2 + (int) (Tensor.rand(g, 1).item() * 5);
            Module model = randomLayers(g, width, 3 + seed % 5);
            if (seed % 3 == 0) {
                model = new Wrap(model);
            }
            CompiledCheck.assertMatchesEager(model, 1e-4, null, Tensor.randn(g, 3, width));
        }
    }

    @Test
    void randomOpChainsMatchEager() {
        List<String> covered = new ArrayList<>();
        boolean[] seen = new boolean[OpChain.OP_COUNT];
        for (int seed = 0; seed < 25; seed++) {
            Generator g = new Generator(2000 + seed);
            OpChain chain = new OpChain(g, 4, 6, DType.FLOAT32);
            for (int op : chain.ops) {
                seen[op] = true;
            }
            CompiledCheck.assertMatchesEager(chain, 1e-4, null, Tensor.randn(g, 3, 4));
        }
        for (int op = 0; op < seen.length; op++) {
            if (!seen[op]) {
                covered.add("op " + op);
            }
        }
        assertTrue(covered.isEmpty(), "the seeds leave ops untested: " + covered);
    }

    @Test
    void randomOpChainsPassFloat64GradCheck() {
        for (int seed = 0; seed < 4; seed++) {
            Generator g = new Generator(3000 + seed);
            OpChain chain = new OpChain(g, 3, 5, DType.FLOAT64);
            GradCheck.check(in -> chain.apply(in[0]), Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true));
        }
    }

    @Test
    void tensorArraysMatchEagerAndPassGradCheck() {
        Generator g = new Generator(61);
        ArrayNet net = new ArrayNet(g, DType.FLOAT32);
        assertNotNull(net.compiledForward());
        CompiledCheck.assertMatchesEager(net, 1e-5, null, Tensor.randn(g, 4, 2, 3));
        CompiledCheck.assertMatchesEager(new Wrap(net), 1e-5, null, Tensor.randn(g, 4, 2, 3));
        net.zeroGrad();
        net.apply(Tensor.randn(g, 4, 2, 3).requiresGrad(true)).sum().backward();
        assertNull(net.unused.grad(), "an array element never read gets no gradient");
        ArrayNet wide = new ArrayNet(g, DType.FLOAT64);
        Tensor x = Tensor.randn(g, DType.FLOAT64, 3, 2, 3).requiresGrad(true);
        GradCheck.check(in -> wide.apply(in[0]), x, wide.w0, wide.w1);
        GradCheck.check(in -> new Wrap(wide).apply(in[0]), x, wide.w0, wide.w1);
    }
}
