package dev.kiln.examples.compiled;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.compiled.Compiled;
import dev.kiln.compiled.CompiledCheck;
import dev.kiln.compiled.Wrap;
import dev.kiln.examples.models.FixedHiddenMlp;
import dev.kiln.examples.models.Mlp;
import dev.kiln.examples.models.MlpResNet;
import dev.kiln.examples.models.MySequential;
import dev.kiln.examples.models.NestMlp;
import dev.kiln.examples.models.ResidualBlock;
import dev.kiln.examples.models.SeedCnn;
import dev.kiln.examples.models.SeedMlp;
import dev.kiln.examples.models.SequenceClassifier;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every example model through its compiled forward and backward, against the eager tape. */
class ExampleModelsCompiledTest {
    private static final double TOL = 1e-4;

    @Test
    void seedMlp() {
        Generator g = new Generator(41);
        SeedMlp m = new SeedMlp(g);
        assertNotNull(m.compiledForward());
        CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 4, 784));
        CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 2, 1, 28, 28));
    }

    @Test
    void seedCnn() {
        Generator g = new Generator(42);
        SeedCnn m = new SeedCnn(g);
        for (Module layer : m.modules()) {
            // The model and its Conv2d, MaxPool2d and Linear children: no child runs as an eager frame.
            assertNotNull(layer.compiledForward(), layer.getClass().getSimpleName() + " should compile");
        }
        CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 2, 1, 28, 28));
    }

    @Test
    void mlpWithALoopOverItsLayers() {
        Generator g = new Generator(43);
        Mlp m = new Mlp(g, 12, 9, 7, 5);
        assertNotNull(m.compiledForward(), "the indexed loop over @Layer layers compiles");
        CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 3, 12));
        CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 3, 3, 4));
        CompiledCheck.assertMatchesEager(new Mlp(g, 6, 2), TOL, null, Tensor.randn(g, 3, 6));
    }

    @Test
    void mlpResNetAndResidualBlockInTrainingAndEvaluation() {
        Generator g = new Generator(44);
        MlpResNet net = new MlpResNet(10, 8, 2, 3, 0.2, g);
        ResidualBlock block = new ResidualBlock(6, 3, 0.2, g);
        assertNotNull(net.compiledForward());
        assertNotNull(block.compiledForward());
        CompiledCheck.assertMatchesEager(net, TOL, g, Tensor.randn(new Generator(1), 5, 10));
        CompiledCheck.assertMatchesEager(block, TOL, g, Tensor.randn(new Generator(2), 5, 6));
        net.eval();
        block.eval();
        CompiledCheck.assertMatchesEager(net, TOL, null, Tensor.randn(g, 5, 10));
        CompiledCheck.assertMatchesEager(block, TOL, null, Tensor.randn(g, 5, 6));
    }

    @Test
    void mySequentialAndNestMlp() {
        Generator g = new Generator(45);
        MySequential seq = new MySequential(new Linear(5, 6, true, g, DType.FLOAT32), new ReLU(),
                new Linear(6, 4, true, g, DType.FLOAT32), new Tanh());
        NestMlp nest = new NestMlp(g);
        assertNotNull(seq.compiledForward());
        assertNotNull(nest.compiledForward());
        CompiledCheck.assertMatchesEager(seq, TOL, null, Tensor.randn(g, 3, 5));
        CompiledCheck.assertMatchesEager(nest, TOL, null, Tensor.randn(g, 3, 20));
        CompiledCheck.assertMatchesEager(new MySequential(), TOL, null, Tensor.randn(g, 3, 5));
    }

    @Test
    void sequenceClassifierCompilesWithItsRecurrentLayer() {
        Generator g = new Generator(46);
        for (SequenceClassifier.Cell cell : SequenceClassifier.Cell.values()) {
            SequenceClassifier m = new SequenceClassifier(cell, 4, 5, 3, g);
            assertNotNull(m.compiledForward(), cell + ": the classifier's body compiles");
            assertNotNull(m.namedChildren().get("rnn").compiledForward(), cell + ": and so does its recurrent layer");
            CompiledCheck.assertMatchesEager(m, TOL, null, Tensor.randn(g, 2, 6, 4));
            CompiledCheck.assertMatchesEager(new Wrap(m), TOL, null, Tensor.randn(g, 2, 6, 4));
        }
    }

    @Test
    void fixedHiddenMlpRunsEagerlyBecauseOfItsWhileLoop() {
        Generator g = new Generator(47);
        FixedHiddenMlp m = new FixedHiddenMlp(g);
        assertNull(m.compiledForward(), "a while loop over a tensor's value runs eagerly (note KLN401)");
        Tensor y = m.apply(Tensor.randn(g, 3, 20).requiresGrad(true));
        assertTrue(Math.abs(y.item()) <= 1);
        CompiledCheck.assertMatchesEager(new Wrap(m), TOL, null, Tensor.randn(g, 3, 20));
    }

    @Test
    void compiledExampleModelsPassFloat64GradCheck() {
        Generator g = new Generator(48);
        MySequential seq = new MySequential(new Linear(4, 5, true, g, DType.FLOAT64), new Tanh(),
                new Linear(5, 3, true, g, DType.FLOAT64));
        Tensor x = Tensor.randn(g, DType.FLOAT64, 3, 4).requiresGrad(true);
        assertTrue(Compiled.isEnabled());
        GradCheck.check(in -> seq.apply(in[0]), x);
        GradCheck.check(in -> new Wrap(seq).apply(in[0]), x);
    }
}
