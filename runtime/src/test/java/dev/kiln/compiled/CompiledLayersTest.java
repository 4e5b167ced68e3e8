package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.AdaptiveAvgPool2d;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.BatchNorm1d;
import dev.kiln.nn.BatchNorm2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Embedding;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.GELU;
import dev.kiln.nn.GRU;
import dev.kiln.nn.GRUCell;
import dev.kiln.nn.Identity;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.LayerNorm;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.Linear;
import dev.kiln.nn.LogSoftmax;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.nn.RNN;
import dev.kiln.nn.RNNCell;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.Softmax;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@code nn} layer through the compiled path against the eager tape: on its own (compiled when
 * its body compiled) and as the child of a compiled parent ({@link Wrap}), which runs a layer whose body
 * is eager on a private tape inside the compiled forward.
 */
class CompiledLayersTest {
    private static final double TOL = 1e-5;

    /** The layer alone and inside a compiled parent. */
    private static void check(Module layer, Tensor x) {
        CompiledCheck.assertMatchesEager(layer, TOL, null, x);
        CompiledCheck.assertMatchesEager(new Wrap(layer), TOL, null, x);
    }

    @Test
    void layersWhoseBodiesCompile() {
        Generator g = new Generator(21);
        List<Module> compiled = List.of(new Linear(4, 3, true, g, DType.FLOAT32), new Linear(4, 3, false, g,
                DType.FLOAT32), new Identity(), new ReLU(), new Sigmoid(), new Tanh(), new GELU(),
                new Sequential(new Linear(4, 5, true, g, DType.FLOAT32), new ReLU(), new Linear(5, 4, true, g,
                        DType.FLOAT32)),
                new Sequential(),
                new Residual(new Sequential(new Linear(4, 4, true, g, DType.FLOAT32), new Tanh())),
                new Residual(new Linear(4, 4, true, g, DType.FLOAT32), new Linear(4, 4, false, g, DType.FLOAT32)));
        for (Module m : compiled) {
            assertNotNull(m.compiledForward(), m.getClass().getSimpleName() + " should compile");
            check(m, Tensor.randn(g, 5, 4));
        }
    }

    @Test
    void activationsAndShapeLayers() {
        Generator g = new Generator(22);
        for (Module m : List.of(new LeakyReLU(0.1), new Softmax(1), new LogSoftmax(1), new Flatten(),
                new Flatten(0, -1))) {
            check(m, Tensor.randn(g, 3, 4, 2));
        }
    }

    @Test
    void convolutionAndPooling() {
        Generator g = new Generator(23);
        check(new Conv2d(2, 3, 3, 1, 1), Tensor.randn(g, 2, 2, 6, 6));
        check(new Conv2d(2, 4, 3, 2, 0), Tensor.randn(g, 2, 2, 7, 7));
        check(new MaxPool2d(3, 2, 1), Tensor.randn(g, 2, 2, 6, 6));
        check(new AvgPool2d(2), Tensor.randn(g, 2, 3, 6, 6));
        check(new AdaptiveAvgPool2d(2), Tensor.randn(g, 2, 3, 5, 5));
    }

    @Test
    void normalizationInTrainingAndEvaluation() {
        Generator g = new Generator(24);
        for (boolean training : new boolean[] {true, false}) {
            BatchNorm1d bn1 = new BatchNorm1d(4);
            BatchNorm2d bn2 = new BatchNorm2d(3);
            LayerNorm ln = new LayerNorm(4);
            for (Module m : List.<Module>of(bn1, bn2, ln)) {
                m.train(training);
            }
            check(bn1, Tensor.randn(g, 6, 4));
            check(bn2, Tensor.randn(g, 2, 3, 4, 4));
            check(ln, Tensor.randn(g, 3, 5, 4));
        }
    }

    @Test
    void dropoutInEvaluationAndSeededTraining() {
        Generator g = new Generator(25);
        Dropout eval = new Dropout(0.4, g);
        eval.eval();
        check(eval, Tensor.randn(g, 4, 6));
        Generator masks = new Generator(26);
        Dropout train = new Dropout(0.4, masks);
        CompiledCheck.assertMatchesEager(train, TOL, masks, Tensor.randn(g, 4, 6));
        CompiledCheck.assertMatchesEager(new Wrap(train), TOL, masks, Tensor.randn(g, 4, 6));
    }

    @Test
    void embedding() {
        Generator g = new Generator(27);
        // padding_idx given: Embedding(10, 4) with no padding row throws a NullPointerException (reported).
        check(new Embedding(10, 4, 0), Tensor.randint(g, 0, 10, 3, 5));
    }

    @Test
    void recurrentLayersAndCells() {
        Generator g = new Generator(28);
        check(new RNN(4, 3), Tensor.randn(g, 5, 2, 4));
        check(new LSTM(4, 3), Tensor.randn(g, 5, 2, 4));
        check(new GRU(4, 3), Tensor.randn(g, 5, 2, 4));
        for (Module cell : List.<Module>of(new RNNCell(4, 3), new GRUCell(4, 3))) {
            CompiledCheck.assertMatchesEager(new Wrap2(cell), TOL, null, Tensor.randn(g, 2, 4), Tensor.randn(g, 2, 3));
        }
    }

    @Test
    void compiledLayersPassFloat64GradCheck() {
        Generator g = new Generator(29);
        Sequential seq = new Sequential(new Linear(4, 5, true, g, DType.FLOAT64), new Tanh(),
                new Residual(new Linear(5, 5, true, g, DType.FLOAT64)), new Sigmoid());
        Tensor x = Tensor.randn(g, DType.FLOAT64, 3, 4).requiresGrad(true);
        GradCheck.check(in -> seq.apply(in[0]), x);
        GradCheck.check(in -> new Wrap(seq).apply(in[0]), x);
    }
}
