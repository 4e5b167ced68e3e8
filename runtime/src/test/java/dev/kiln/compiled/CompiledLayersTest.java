package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.AdaptiveAvgPool2d;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.BCELoss;
import dev.kiln.nn.BCEWithLogitsLoss;
import dev.kiln.nn.BatchNorm1d;
import dev.kiln.nn.BatchNorm2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.CrossEntropyLoss;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Embedding;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.GELU;
import dev.kiln.nn.GRU;
import dev.kiln.nn.GRUCell;
import dev.kiln.nn.Identity;
import dev.kiln.nn.L1Loss;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.LSTMCell;
import dev.kiln.nn.LayerNorm;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.Linear;
import dev.kiln.nn.LogSoftmax;
import dev.kiln.nn.MSELoss;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.nn.NLLLoss;
import dev.kiln.nn.RNN;
import dev.kiln.nn.RNNCell;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.SmoothL1Loss;
import dev.kiln.nn.Softmax;
import dev.kiln.nn.Tanh;
import dev.kiln.nn.functional.CrossEntropyOptions;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every {@code nn} layer through the compiled path against the eager tape: on its own and as the child
 * of a compiled parent ({@link Wrap}). Every layer's body compiles; {@code LSTMCell}, whose forward returns a
 * record of two tensors, is checked through {@code call} (a parent cannot hold its {@code State} in a compiled
 * body).
 */
class CompiledLayersTest {
    private static final double TOL = 1e-5;

    /** The layer alone and inside a compiled parent. */
    private static void check(Module layer, Tensor x) {
        CompiledCheck.assertMatchesEager(layer, TOL, null, x);
        CompiledCheck.assertMatchesEager(new Wrap(layer), TOL, null, x);
    }

    private static void assertCompiles(Module layer) {
        assertNotNull(layer.compiledForward(), layer.getClass().getSimpleName() + " should compile");
    }

    /** A two-input layer (a loss) alone and inside a compiled parent. */
    private static void checkLoss(Module loss, Tensor input, Tensor target) {
        assertCompiles(loss);
        CompiledCheck.assertMatchesEager(loss, TOL, null, input, target);
        CompiledCheck.assertMatchesEager(new Wrap2(loss), TOL, null, input, target);
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
            assertCompiles(m);
            check(m, Tensor.randn(g, 5, 4));
        }
    }

    @Test
    void activationsAndShapeLayers() {
        Generator g = new Generator(22);
        for (Module m : List.of(new LeakyReLU(0.1), new Softmax(1), new LogSoftmax(1), new Flatten(),
                new Flatten(0, -1))) {
            assertCompiles(m);
            check(m, Tensor.randn(g, 3, 4, 2));
        }
    }

    @Test
    void convolutionAndPooling() {
        Generator g = new Generator(23);
        List<Module> layers = List.of(new Conv2d(2, 3, 3, 1, 1), new Conv2d(2, 4, 3, 2, 0), new MaxPool2d(3, 2, 1),
                new AvgPool2d(2), new AdaptiveAvgPool2d(2));
        layers.forEach(CompiledLayersTest::assertCompiles);
        check(layers.get(0), Tensor.randn(g, 2, 2, 6, 6));
        check(layers.get(1), Tensor.randn(g, 2, 2, 7, 7));
        check(layers.get(2), Tensor.randn(g, 2, 2, 6, 6));
        check(layers.get(3), Tensor.randn(g, 2, 3, 6, 6));
        check(layers.get(4), Tensor.randn(g, 2, 3, 5, 5));
    }

    @Test
    void normalizationInTrainingAndEvaluation() {
        Generator g = new Generator(24);
        for (boolean training : new boolean[] {true, false}) {
            BatchNorm1d bn1 = new BatchNorm1d(4);
            BatchNorm2d bn2 = new BatchNorm2d(3);
            LayerNorm ln = new LayerNorm(4);
            for (Module m : List.<Module>of(bn1, bn2, ln)) {
                assertCompiles(m);
            }
            for (Module m : List.<Module>of(bn1, bn2, ln)) {
                m.train(training);
            }
            check(bn1, Tensor.randn(g, 6, 4));
            check(bn2, Tensor.randn(g, 2, 3, 4, 4));
            check(ln, Tensor.randn(g, 3, 5, 4));
        }
    }

    @Test
    void batchNormUpdatesItsRunningStatisticsAsEagerDoes() {
        Generator g = new Generator(32);
        Tensor x = Tensor.randn(g, 8, 3);
        for (Double momentum : new Double[] {0.1, null}) {
            BatchNorm1d compiled = new BatchNorm1d(3, 1e-5, momentum, true, true, DType.FLOAT32);
            BatchNorm1d eager = new BatchNorm1d(3, 1e-5, momentum, true, true, DType.FLOAT32);
            for (int step = 0; step < 3; step++) {
                compiled.apply(x.add(step).requiresGrad(true)).sum().backward();
                Compiled.setEnabled(false);
                try {
                    eager.apply(x.add(step).requiresGrad(true)).sum().backward();
                } finally {
                    Compiled.setEnabled(true);
                }
            }
            for (Map.Entry<String, Tensor> e : eager.namedBuffers().entrySet()) {
                assertArrayEquals(e.getValue().toDoubleArray(), compiled.namedBuffers().get(e.getKey()).toDoubleArray(),
                        1e-6, "momentum " + momentum + ": buffer " + e.getKey());
            }
        }
    }

    @Test
    void dropoutInEvaluationAndSeededTraining() {
        Generator g = new Generator(25);
        Dropout eval = new Dropout(0.4, g);
        assertCompiles(eval);
        eval.eval();
        check(eval, Tensor.randn(g, 4, 6));
        Generator masks = new Generator(26);
        Dropout train = new Dropout(0.4, masks);
        CompiledCheck.assertMatchesEager(train, TOL, masks, Tensor.randn(g, 4, 6));
        CompiledCheck.assertMatchesEager(new Wrap(train), TOL, masks, Tensor.randn(g, 4, 6));
    }

    @Test
    void embeddingWithAndWithoutPadding() {
        Generator g = new Generator(27);
        for (Embedding e : List.of(new Embedding(10, 4, 0), new Embedding(10, 4))) {
            assertCompiles(e);
            check(e, Tensor.randint(g, 0, 10, 3, 5));
        }
    }

    @Test
    void losses() {
        Generator g = new Generator(30);
        Tensor x = Tensor.randn(g, 4, 5);
        Tensor y = Tensor.randn(g, 4, 5);
        Tensor probability = Tensor.randn(g, 4, 5).sigmoid();
        Tensor label = Tensor.rand(g, 4, 5);
        Tensor classes = Tensor.randint(g, 0, 5, 4);
        checkLoss(new MSELoss(), x, y);
        checkLoss(new L1Loss(Reduction.SUM), x, y);
        checkLoss(new SmoothL1Loss(Reduction.MEAN, 0.5), x, y);
        checkLoss(new BCELoss(), probability, label);
        checkLoss(new BCEWithLogitsLoss(Reduction.NONE), x, label);
        checkLoss(new CrossEntropyLoss(CrossEntropyOptions.defaults().labelSmoothing(0.1)), x, classes);
        checkLoss(new NLLLoss(), x.logSoftmax(1), classes);
    }

    /** What one LSTMCell call gave: h, c, then the gradients of the parameters and of x, h0, c0. */
    private static List<float[]> lstmCellRun(LSTMCell cell, boolean compiled, Tensor... inputs) {
        Compiled.setEnabled(compiled);
        try {
            cell.zeroGrad();
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = inputs[i].detach().requiresGrad(true);
            }
            LSTMCell.State s = (LSTMCell.State) cell.call((Object[]) xs);
            // h's node tells the paths apart: the eager LSTM's last op, or a view of the compiled call's outputs.
            assertEquals(compiled, !s.h().gradFn().name().equals("mul"), "compiled " + compiled + ": "
                    + s.h().gradFn().name());
            Tensor wh = Tensor.randn(new Generator(98), s.h().dtype(), s.h().shape());
            Tensor wc = Tensor.randn(new Generator(97), s.c().dtype(), s.c().shape());
            s.h().mul(wh).sum().add(s.c().mul(wc).sum()).backward();
            List<float[]> out = new java.util.ArrayList<>(List.of(s.h().detach().toFloatArray(),
                    s.c().detach().toFloatArray()));
            for (Tensor p : cell.parameters()) {
                out.add(p.grad().toFloatArray());
            }
            for (Tensor x : xs) {
                out.add(x.grad().toFloatArray());
            }
            return out;
        } finally {
            Compiled.setEnabled(true);
        }
    }

    @Test
    void lstmCellCompilesItsTwoOutputsAsOneNode() {
        Generator g = new Generator(40);
        for (boolean bias : new boolean[] {true, false}) {
            LSTMCell cell = new LSTMCell(4, 3, bias, g, DType.FLOAT32);
            assertCompiles(cell);
            for (int[] batch : new int[][] {{2}, {}}) {
                Tensor x = Tensor.randn(g, concat(batch, 4));
                Tensor h = Tensor.randn(g, concat(batch, 3));
                Tensor c = Tensor.randn(g, concat(batch, 3));
                List<float[]> eager = lstmCellRun(cell, false, x, h, c);
                List<float[]> compiled = lstmCellRun(cell, true, x, h, c);
                assertEquals(eager.size(), compiled.size());
                for (int i = 0; i < eager.size(); i++) {
                    assertArrayEquals(eager.get(i), compiled.get(i), (float) TOL, "bias " + bias + ", batch "
                            + java.util.Arrays.toString(batch) + ": h, c, parameter and input gradients, #" + i);
                }
            }
            // The frame's one-gradient backward is that of the first output, h, alone.
            Tensor x = Tensor.randn(g, 2, 4);
            Tensor h = Tensor.randn(g, 2, 3);
            Tensor c = Tensor.randn(g, 2, 3);
            Frame frame = cell.compiledForward().forward(cell, new Tensor[] {x, h, c}, new boolean[] {true, true, true});
            assertEquals(2, frame.outputs().length);
            Tensor gh = Tensor.randn(g, 2, 3);
            Tensor[] one = frame.backward(gh, new GradSink(List.of()));
            Tensor[] both = frame.backward(new Tensor[] {gh, null}, new GradSink(List.of()));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(both[i].toFloatArray(), one[i].toFloatArray(), (float) TOL, "input " + i);
            }
        }
        ShapeException e = assertThrows(ShapeException.class, () -> new LSTMCell(4, 3).call(
                Tensor.randn(g, 2, 4).requiresGrad(true), Tensor.randn(g, 2, 5), Tensor.randn(g, 2, 3)));
        assertTrue(e.getMessage().contains("hx of shape [2, 5] must be [2, 3]"), e.getMessage());
    }

    @Test
    void aRecordOfMixedOutputsIsOneNodePerFloatingDtype() {
        Generator g = new Generator(42);
        Heads heads = new Heads(g);
        assertCompiles(heads);
        Tensor x = Tensor.randn(g, 5, 3);
        List<List<float[]>> runs = new java.util.ArrayList<>();
        for (boolean compiled : new boolean[] {false, true}) {
            Compiled.setEnabled(compiled);
            try {
                heads.zeroGrad();
                Tensor in = x.detach().requiresGrad(true);
                Heads.Out out = (Heads.Out) heads.call(in);
                assertNull(out.none());
                assertTrue(!out.best().dtype().isFloating() && !out.best().requiresGrad(), "the argmax stays integer");
                assertEquals(DType.FLOAT64, out.wide().dtype());
                out.scores().mul(Tensor.randn(new Generator(5), 5, 4)).sum()
                        .add(out.wide().mul(Tensor.randn(new Generator(6), DType.FLOAT64, 5, 4)).sum().to(DType.FLOAT32))
                        .backward();
                runs.add(List.of(out.scores().detach().toFloatArray(), out.best().toFloatArray(),
                        out.wide().detach().toFloatArray(), heads.w.grad().toFloatArray(), in.grad().toFloatArray()));
            } finally {
                Compiled.setEnabled(true);
            }
        }
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), (float) TOL, "scores, best, wide, dW, dx: #" + i);
        }
    }

    @Test
    void lstmCellPassesFloat64GradCheckThroughTheCompiledPath() {
        Generator g = new Generator(41);
        LSTMCell cell = new LSTMCell(3, 2, true, g, DType.FLOAT64);
        assertCompiles(cell);
        Tensor[] all = new Tensor[3 + cell.parameters().size()];
        all[0] = Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true);
        all[1] = Tensor.randn(g, DType.FLOAT64, 2, 2).requiresGrad(true);
        all[2] = Tensor.randn(g, DType.FLOAT64, 2, 2).requiresGrad(true);
        for (int i = 0; i < cell.parameters().size(); i++) {
            all[3 + i] = cell.parameters().get(i);
        }
        GradCheck.check(in -> {
            LSTMCell.State s = (LSTMCell.State) cell.call(in[0], in[1], in[2]);
            return s.h().mul(2).add(s.c().mul(3));
        }, all);
    }

    private static int[] concat(int[] a, int b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    @Test
    void recurrentLayersAndCells() {
        Generator g = new Generator(28);
        for (Module cell : List.<Module>of(new RNNCell(4, 3), new GRUCell(4, 3),
                new RNNCell(4, 3, false, "relu", g, DType.FLOAT32))) {
            assertCompiles(cell);
            CompiledCheck.assertMatchesEager(cell, TOL, null, Tensor.randn(g, 2, 4), Tensor.randn(g, 2, 3));
            CompiledCheck.assertMatchesEager(new Wrap2(cell), TOL, null, Tensor.randn(g, 2, 4), Tensor.randn(g, 2, 3));
        }
    }

    /** One sequence-layer configuration: PyTorch's arguments and the input shape. */
    private record Config(String kind, int layers, String nonlinearity, boolean bias, boolean batchFirst,
            double dropout, boolean bidirectional, int... shape) {
        Module build(Generator g, DType dtype) {
            return switch (kind) {
                case "RNN" -> new RNN(3, 4, layers, nonlinearity, bias, batchFirst, dropout, bidirectional, g, dtype);
                case "LSTM" -> new LSTM(3, 4, layers, bias, batchFirst, dropout, bidirectional, g, dtype);
                default -> new GRU(3, 4, layers, bias, batchFirst, dropout, bidirectional, g, dtype);
            };
        }
    }

    /** Each layer in one and two layers, bidirectional, batch-first, unbatched, without biases, RNN's relu. */
    private static List<Config> sequenceConfigs() {
        List<Config> configs = new java.util.ArrayList<>();
        for (String kind : List.of("RNN", "LSTM", "GRU")) {
            configs.add(new Config(kind, 1, "tanh", true, false, 0, false, 5, 2, 3));
            configs.add(new Config(kind, 2, "tanh", true, false, 0, false, 4, 2, 3));
            configs.add(new Config(kind, 2, "tanh", true, false, 0, true, 4, 3, 3));
            configs.add(new Config(kind, 1, "tanh", true, true, 0, true, 2, 5, 3));
            configs.add(new Config(kind, 2, "tanh", true, false, 0, false, 6, 3));
            configs.add(new Config(kind, 1, "tanh", false, false, 0, true, 3, 2, 3));
        }
        configs.add(new Config("RNN", 2, "relu", true, true, 0, true, 2, 4, 3));
        configs.add(new Config("RNN", 1, "relu", false, false, 0, false, 4, 3));
        return configs;
    }

    @Test
    void sequenceLayersCompileAndMatchEager() {
        Generator g = new Generator(35);
        for (Config c : sequenceConfigs()) {
            Module layer = c.build(g, DType.FLOAT32);
            assertCompiles(layer);
            Tensor x = Tensor.randn(g, c.shape());
            check(layer, x);
            // The output of the compiled forward is the eager one of forwardWithState, which keeps its own path.
            Tensor out = layer.apply(x.requiresGrad(true));
            assertEquals(layer.getClass().getSimpleName(), out.gradFn().name(), c + ": one node for the compiled call");
        }
    }

    @Test
    void sequenceLayersWithDropoutInTrainingAndEvaluation() {
        Generator g = new Generator(36);
        for (String kind : List.of("RNN", "LSTM", "GRU")) {
            Generator masks = new Generator(37);
            Module layer = new Config(kind, 3, "tanh", true, false, 0.4, kind.equals("GRU"), 4, 2, 3)
                    .build(masks, DType.FLOAT32);
            assertCompiles(layer);
            Tensor x = Tensor.randn(g, 4, 2, 3);
            CompiledCheck.assertMatchesEager(layer, TOL, masks, x);
            CompiledCheck.assertMatchesEager(new Wrap(layer), TOL, masks, x);
            // Training draws masks: two runs from different generator states differ.
            Tensor first = layer.apply(x.requiresGrad(true));
            Tensor second = layer.apply(x.requiresGrad(true));
            assertTrue(!java.util.Arrays.equals(first.toFloatArray(), second.toFloatArray()), kind + ": dropout masks");
            layer.eval();
            check(layer, x);
        }
    }

    @Test
    void sequenceLayersKeepTheirStateAndShapeErrors() {
        Generator g = new Generator(38);
        for (Config c : List.of(new Config("LSTM", 2, "tanh", true, false, 0, true, 3, 2, 3),
                new Config("GRU", 1, "tanh", true, true, 0, false, 2, 3, 3))) {
            Module layer = c.build(g, DType.FLOAT32);
            Tensor x = Tensor.randn(g, c.shape());
            // forwardWithState runs eagerly on the same body: its output is the compiled forward's.
            Tensor viaState = layer instanceof LSTM l ? l.forwardWithState(x, null, null).output()
                    : ((GRU) layer).forwardWithState(x, null).output();
            assertArrayEquals(viaState.toFloatArray(), layer.apply(x.requiresGrad(true)).toFloatArray(), (float) TOL,
                    c + ": forwardWithState and the compiled forward");
            ShapeException e = assertThrows(ShapeException.class, () -> layer.apply(Tensor.randn(g, 2, 2, 5)
                    .requiresGrad(true)));
            assertTrue(e.getMessage().contains("input of shape [2, 2, 5] must be"), e.getMessage());
        }
        LSTM lstm = new LSTM(3, 4, 1, true, false, 0, false, g, DType.FLOAT32);
        Tensor x = Tensor.randn(g, 5, 2, 3);
        dev.kiln.nn.RnnOutput out = lstm.forwardWithState(x, Tensor.randn(g, 1, 2, 4), Tensor.randn(g, 1, 2, 4));
        assertArrayEquals(new int[] {1, 2, 4}, out.hN().shape());
        assertArrayEquals(new int[] {1, 2, 4}, out.cN().shape());
        assertArrayEquals(out.output().select(0, 4).toFloatArray(), out.hN().select(0, 0).toFloatArray(), (float) TOL,
                "the last step's output is the final hidden state");
    }

    @Test
    void sequenceLayersPassFloat64GradCheck() {
        Generator g = new Generator(39);
        for (Config c : List.of(new Config("RNN", 2, "tanh", true, true, 0, true, 2, 3, 3),
                new Config("LSTM", 2, "tanh", true, false, 0, true, 3, 2, 3),
                new Config("GRU", 1, "tanh", false, false, 0, false, 3, 3),
                new Config("RNN", 1, "relu", true, false, 0, false, 3, 2, 3))) {
            Module layer = c.build(g, DType.FLOAT64);
            assertCompiles(layer);
            Tensor[] all = new Tensor[1 + layer.parameters().size()];
            all[0] = Tensor.randn(g, DType.FLOAT64, c.shape()).requiresGrad(true);
            for (int i = 0; i < layer.parameters().size(); i++) {
                all[1 + i] = layer.parameters().get(i);
            }
            Wrap wrap = new Wrap(layer);
            GradCheck.check(in -> layer.apply(in[0]), all);
            GradCheck.check(in -> wrap.apply(in[0]), all);
        }
    }

    @Test
    void cellsWithoutAStateStartFromZerosAndCheckTheStateShape() {
        Generator g = new Generator(33);
        for (Module cell : List.<Module>of(new RNNCell(4, 3), new GRUCell(4, 3))) {
            Tensor x = Tensor.randn(g, 2, 4);
            // apply takes no null argument, so the compiled forward is called as a parent's frame would.
            Tensor compiled = cell.compiledForward().forward(cell, new Tensor[] {x, null}, new boolean[2]).output();
            Tensor eager = cell instanceof RNNCell r ? r.forward(x) : ((GRUCell) cell).forward(x);
            assertArrayEquals(eager.toFloatArray(), compiled.toFloatArray(), (float) TOL);
            ShapeException e = assertThrows(ShapeException.class,
                    () -> cell.apply(x.requiresGrad(true), Tensor.randn(g, 2, 5)));
            assertTrue(e.getMessage().contains("hx of shape [2, 5] must be [2, 3]"), e.getMessage());
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

    @Test
    void newlyCompiledLayersPassFloat64GradCheck() {
        Generator g = new Generator(31);
        DType f64 = DType.FLOAT64;
        List<Module> plain = List.of(new LeakyReLU(0.2), new Softmax(1), new LogSoftmax(-1), new Flatten(),
                new AvgPool2d(2), new AdaptiveAvgPool2d(2), new MaxPool2d(3, 2, 1));
        for (Module m : plain) {
            gradCheck(m, Tensor.randn(g, f64, 2, 3, 4, 4).requiresGrad(true));
        }
        Conv2d conv = new Conv2d(2, 3, new int[] {3, 3}, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
                true, g, f64);
        gradCheck(conv, Tensor.randn(g, f64, 2, 2, 5, 5).requiresGrad(true), conv.weight(), conv.bias());
        LayerNorm ln = new LayerNorm(new int[] {4}, 1e-5, true, f64);
        gradCheck(ln, Tensor.randn(g, f64, 3, 4).requiresGrad(true), ln.weight(), ln.bias());
        Embedding emb = new Embedding(6, 3, null, g, f64); // a padding row would get no gradient, by design
        Tensor indices = Tensor.randint(g, 0, 6, 2, 4);
        GradCheck.check(in -> emb.apply(indices), emb.weight());
        GradCheck.check(in -> new Wrap(emb).apply(indices), emb.weight());
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, true, true, f64);
        gradCheck(bn, Tensor.randn(g, f64, 3, 2, 2, 2).requiresGrad(true), bn.weight(), bn.bias());
        bn.eval();
        gradCheck(bn, Tensor.randn(g, f64, 3, 2, 2, 2).requiresGrad(true), bn.weight(), bn.bias());
        for (Module cell : List.<Module>of(new RNNCell(3, 2, true, "tanh", g, f64), new GRUCell(3, 2, true, g, f64))) {
            Tensor[] all = new Tensor[2 + cell.parameters().size()];
            all[0] = Tensor.randn(g, f64, 2, 3).requiresGrad(true);
            all[1] = Tensor.randn(g, f64, 2, 2).requiresGrad(true);
            for (int i = 0; i < cell.parameters().size(); i++) {
                all[2 + i] = cell.parameters().get(i);
            }
            assertCompiles(cell);
            Wrap2 wrap = new Wrap2(cell);
            GradCheck.check(in -> cell.apply(in[0], in[1]), all);
            GradCheck.check(in -> wrap.apply(in[0], in[1]), all);
        }
        Dropout dropout = new Dropout(0.3, g);
        dropout.eval();
        gradCheck(dropout, Tensor.randn(g, f64, 3, 4).requiresGrad(true));
    }

    @Test
    void lossesPassFloat64GradCheck() {
        Generator g = new Generator(34);
        DType f64 = DType.FLOAT64;
        Tensor x = Tensor.randn(g, f64, 3, 4).requiresGrad(true);
        Tensor y = Tensor.randn(g, f64, 3, 4).requiresGrad(true);
        Tensor probability = Tensor.rand(g, f64, 3, 4).mul(0.8).add(0.1).requiresGrad(true);
        Tensor label = Tensor.rand(g, f64, 3, 4);
        Tensor classes = Tensor.randint(g, 0, 4, 3);
        lossGradCheck(new MSELoss(), x, y);
        lossGradCheck(new L1Loss(), x, y);
        lossGradCheck(new SmoothL1Loss(Reduction.SUM, 0.5), x, y);
        lossGradCheck(new BCELoss(), probability, label);
        lossGradCheck(new BCEWithLogitsLoss(), x, label);
        lossGradCheck(new CrossEntropyLoss(), x, classes);
        lossGradCheck(new NLLLoss(Reduction.SUM), x, classes);
    }

    private static void lossGradCheck(Module loss, Tensor input, Tensor target) {
        assertCompiles(loss);
        Wrap2 wrap = new Wrap2(loss);
        GradCheck.check(in -> loss.apply(in[0], in[1]), input, target);
        GradCheck.check(in -> wrap.apply(in[0], in[1]), input, target);
    }

    /**
     * Checks {@code layer} on {@code x} alone and in a compiled parent; {@code params} (the layer's own
     * tensors, perturbed in place) are checked with the input.
     */
    private static void gradCheck(Module layer, Tensor x, Tensor... params) {
        assertCompiles(layer);
        Tensor[] all = new Tensor[params.length + 1];
        all[0] = x;
        System.arraycopy(params, 0, all, 1, params.length);
        Wrap wrap = new Wrap(layer);
        GradCheck.check(in -> layer.apply(in[0]), all);
        GradCheck.check(in -> wrap.apply(in[0]), all);
    }
}
