package dev.kiln.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.autograd.GradMode;
import dev.kiln.nn.BatchNorm1d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Embedding;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.RnnOutput;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The models the issue names as its definition of done, written with Kiln's layers as a user would:
 * each trains for a few steps of plain SGD on a small seeded task and its loss falls, and its
 * state-dict keys are those of the same model in PyTorch.
 */
class SeedModelsTest {

    /** The seed CNN (workload W3): two conv/ReLU/max-pool stages and three dense layers. */
    static class SeedCnn extends Module {
        @Layer Conv2d conv1;
        @Layer Conv2d conv2;
        @Layer MaxPool2d pool = new MaxPool2d(3, 2, 1);
        @Layer Linear fc1;
        @Layer Linear fc2;
        @Layer Linear fc3;

        SeedCnn(Generator gen) {
            int[] k = {3, 3};
            int[] one = {1, 1};
            conv1 = new Conv2d(1, 16, k, one, one, one, 1, true, gen, DType.FLOAT32);
            conv2 = new Conv2d(16, 32, k, one, one, one, 1, true, gen, DType.FLOAT32);
            fc1 = new Linear(32 * 7 * 7, 128, true, gen, DType.FLOAT32);
            fc2 = new Linear(128, 64, true, gen, DType.FLOAT32);
            fc3 = new Linear(64, 10, true, gen, DType.FLOAT32);
        }

        @Forward
        public Tensor forward(Tensor x) {
            Tensor h = pool.forward(F.relu(conv1.forward(x)));
            h = pool.forward(F.relu(conv2.forward(h)));
            h = h.flatten(1, -1);
            return fc3.forward(F.relu(fc2.forward(F.relu(fc1.forward(h)))));
        }
    }

    /** A bidirectional LSTM over embedded tokens, classified from both directions' final states. */
    static class BiLstmClassifier extends Module {
        @Layer Embedding embed;
        @Layer LSTM lstm;
        @Layer Linear head;

        BiLstmClassifier(Generator gen) {
            embed = new Embedding(6, 8, 0, gen, DType.FLOAT32);
            lstm = new LSTM(8, 12, 1, true, true, 0, true, gen, DType.FLOAT32);
            head = new Linear(24, 2, true, gen, DType.FLOAT32);
        }

        @Forward
        public Tensor forward(Tensor tokens) {
            RnnOutput out = lstm.forwardWithState(embed.forward(tokens), null, null);
            Tensor last = Ops.concat(List.of(out.hN().select(0, 0), out.hN().select(0, 1)), 1);
            return head.forward(last);
        }
    }

    /** The seed's MLPResNet: Linear, ReLU, residual blocks (Linear, BatchNorm, ReLU, Dropout, Linear, BatchNorm), Linear. */
    static Sequential resMlp(int dim, int hidden, int blocks, int classes, Generator gen) {
        Sequential model = new Sequential(new Linear(dim, hidden, true, gen, DType.FLOAT32), new ReLU());
        for (int b = 0; b < blocks; b++) {
            Sequential body = new Sequential(new Linear(hidden, hidden / 2, true, gen, DType.FLOAT32),
                    new BatchNorm1d(hidden / 2), new ReLU(), new Dropout(0.1, gen),
                    new Linear(hidden / 2, hidden, true, gen, DType.FLOAT32), new BatchNorm1d(hidden));
            model.add(new Sequential(new Residual(body), new ReLU()));
        }
        return model.add(new Linear(hidden, classes, true, gen, DType.FLOAT32));
    }

    /** Runs plain SGD; returns the losses of the first and last steps. */
    static double[] train(Module model, Function<Module, Tensor> loss, int steps, double lr) {
        double first = 0;
        double last = 0;
        for (int s = 0; s < steps; s++) {
            model.zeroGrad();
            Tensor l = loss.apply(model);
            l.backward();
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                for (Tensor p : model.parameters()) {
                    p.copyFrom(p.sub(p.grad().mul(lr)));
                }
            }
            if (s == 0) {
                first = l.item();
            }
            last = l.item();
        }
        return new double[] {first, last};
    }

    @Test
    void seedCnnTrainsAndHasPyTorchsKeys() {
        SeedCnn cnn = new SeedCnn(new Generator(4));
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"), List.copyOf(cnn.stateDict().keySet()));
        // A blob in one of four quadrants of a 28x28 image; the class is the quadrant.
        Generator gen = new Generator(5);
        int n = 16;
        Tensor x = Tensor.rand(gen, n, 1, 28, 28).mul(0.1);
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
            int r0 = (int) (labels[i] / 2) * 14;
            int c0 = (int) (labels[i] % 2) * 14;
            x.slice(0, i, i + 1).slice(2, r0 + 3, r0 + 11).slice(3, c0 + 3, c0 + 11).fill(1);
        }
        Tensor y = Tensor.of(labels, n);
        assertArrayEquals(new int[] {n, 10}, cnn.forward(x).shape());
        double[] losses = train(cnn, m -> F.crossEntropy(((SeedCnn) m).forward(x), y), 25, 0.1);
        assertTrue(losses[1] < losses[0] * 0.7, "loss went from " + losses[0] + " to " + losses[1]);
    }

    @Test
    void resMlpTrainsAndHasPyTorchsKeys() {
        Sequential model = resMlp(20, 16, 2, 3, new Generator(8));
        List<String> keys = List.copyOf(model.stateDict().keySet());
        // The same model in PyTorch: Sequential(Linear, ReLU, Sequential(Residual(Sequential(...)), ReLU), ...)
        assertEquals(List.of("0.weight", "0.bias", "2.0.body.0.weight", "2.0.body.0.bias", "2.0.body.1.weight",
                "2.0.body.1.bias", "2.0.body.1.running_mean", "2.0.body.1.running_var",
                "2.0.body.1.num_batches_tracked", "2.0.body.4.weight", "2.0.body.4.bias"), keys.subList(0, 11));
        assertEquals("4.bias", keys.get(keys.size() - 1));
        Generator gen = new Generator(6);
        Tensor x = Tensor.randn(gen, 32, 20);
        Tensor w = Tensor.randn(gen, 20, 3);
        Tensor y = x.matmul(w).argmax(1, false);
        double[] losses = train(model, m -> F.crossEntropy(((Sequential) m).forward(x), y), 30, 0.1);
        assertTrue(losses[1] < losses[0] * 0.7, "loss went from " + losses[0] + " to " + losses[1]);
        model.eval();
        assertArrayEquals(new int[] {32, 3}, model.forward(x).shape());
    }

    @Test
    void bidirectionalLstmClassifierTrainsAndHasPyTorchsKeys() {
        BiLstmClassifier model = new BiLstmClassifier(new Generator(9));
        List<String> keys = List.copyOf(model.stateDict().keySet());
        assertEquals(List.of("embed.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0",
                "lstm.bias_hh_l0", "lstm.weight_ih_l0_reverse", "lstm.weight_hh_l0_reverse", "lstm.bias_ih_l0_reverse",
                "lstm.bias_hh_l0_reverse", "head.weight", "head.bias"), keys);
        // Is token 5 in the sequence? Sequences of 6 tokens from 1..4, with a 5 in half of them.
        Generator gen = new Generator(7);
        int n = 16;
        long[] tokens = new long[n * 6];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 6; t++) {
                tokens[i * 6 + t] = 1 + gen.nextInt(4);
            }
            labels[i] = i % 2;
            if (labels[i] == 1) {
                tokens[i * 6 + gen.nextInt(6)] = 5;
            }
        }
        Tensor x = Tensor.of(tokens, n, 6);
        Tensor y = Tensor.of(labels, n);
        double[] losses = train(model, m -> F.crossEntropy(((BiLstmClassifier) m).forward(x), y), 25, 0.5);
        assertTrue(losses[1] < losses[0] * 0.7, "loss went from " + losses[0] + " to " + losses[1]);
        List<Tensor> grads = new ArrayList<>();
        model.parameters().forEach(p -> grads.add(p.grad()));
        assertTrue(grads.stream().allMatch(g -> g != null), "every parameter received a gradient");
    }
}
