package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.data.TensorDataset;
import dev.kiln.data.transforms.Compose;
import dev.kiln.data.transforms.RandomCrop;
import dev.kiln.data.transforms.RandomHorizontalFlip;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a training run mid-epoch and resuming it from a checkpoint gives the same parameters,
 * bit for bit, as a run that never stopped: model, optimizer (SGD with momentum, written here so
 * the test does not depend on dev.kiln.optim), a learning-rate schedule, the dropout generator,
 * and the loader's shuffled order and random augmentation.
 */
class TrainingResumeTest {
    private static final int EPOCHS = 3;
    private static final long DATA_SEED = 99;

    @TempDir
    Path dir;

    /** Everything a run holds in memory. */
    private static final class Run {
        final Tensor weight;
        final Tensor bias;
        final Map<String, Tensor> momentum = new LinkedHashMap<>();
        final Generator dropout = new Generator(5);
        final DataLoader<Batch> loader;
        long step;
        double lr = 0.2;

        Run(TensorDataset data) {
            Generator init = new Generator(1);
            weight = Tensor.randn(init, 16, 3).mul(0.1).detach().requiresGrad(true);
            bias = Tensor.zeros(3).requiresGrad(true);
            momentum.put("weight", Tensor.zeros(16, 3));
            momentum.put("bias", Tensor.zeros(3));
            loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(DATA_SEED)
                    .inputTransform(new Compose(new RandomCrop(4, 1), new RandomHorizontalFlip())).build();
        }

        void train(Batch b) {
            Tensor x = b.input().reshape(b.size(), 16);
            Tensor keep = Tensor.rand(dropout, b.size(), 3).gt(0.2).mul(1 / 0.8);
            Tensor logits = x.matmul(weight).add(bias).mul(keep);
            Tensor loss = logits.logSoftmax(1).gather(1, b.target().unsqueeze(1)).mean().neg();
            weight.setGrad(null);
            bias.setGrad(null);
            loss.backward();
            try (var scope = GradMode.noGrad()) {
                update(weight, momentum.get("weight"));
                update(bias, momentum.get("bias"));
            }
            step++;
            if (step % 5 == 0) {
                lr *= 0.7; // a step-decay schedule
            }
        }

        private void update(Tensor p, Tensor buf) {
            buf.copyFrom(buf.mul(0.9).add(p.grad()));
            p.copyFrom(p.sub(buf.mul(lr)));
        }

        Checkpoint checkpoint() {
            DataLoader.State s = loader.state();
            return Checkpoint.builder().model(Map.of("weight", weight, "bias", bias))
                    .optimizer(momentum, Map.of("step", step)).scheduler(Map.of("lr", lr)).rng(dropout.state())
                    .epoch(s.epoch()).position(s.position()).metadata("data_seed", Long.toString(s.seed())).build();
        }

        void restore(Checkpoint c) {
            try (var scope = GradMode.noGrad()) {
                weight.copyFrom(c.model().get("weight"));
                bias.copyFrom(c.model().get("bias"));
                momentum.forEach((k, v) -> v.copyFrom(c.optimizerTensors().get(k)));
            }
            step = (Long) c.optimizerValues().get("step");
            lr = (Double) c.schedulerValues().get("lr");
            dropout.setState(c.rngState());
            loader.setState(new DataLoader.State(Long.parseLong(c.metadata().get("data_seed")), (int) c.epoch(),
                    (int) c.position()));
        }

        /** Trains until {@code EPOCHS} epochs are done, or until {@code stopAfter} steps; true if it finished. */
        boolean trainUntil(long stopAfter) {
            while (loader.state().epoch() < EPOCHS) {
                try (var it = loader.iterator()) {
                    while (it.hasNext()) {
                        train(it.next());
                        if (step == stopAfter) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }
    }

    private static TensorDataset data() {
        Generator g = new Generator(2024);
        return new TensorDataset(Tensor.rand(g, 64, 1, 4, 4), Tensor.randint(g, 0, 3, 64));
    }

    @Test
    void resumingMidEpochMatchesAnUninterruptedRunBitForBit() {
        TensorDataset data = data();
        Run straight = new Run(data);
        straight.trainUntil(-1);
        assertEquals(EPOCHS * 7, straight.step);

        for (long stopAt : new long[] {3, 7, 10}) {
            Run first = new Run(data);
            assertFalse(first.trainUntil(stopAt));
            Path p = dir.resolve("last.safetensors");
            first.checkpoint().save(p);

            Run resumed = new Run(data);
            resumed.restore(Checkpoint.load(p));
            resumed.trainUntil(-1);
            assertEquals(straight.step, resumed.step);
            assertArrayEquals(straight.weight.toFloatArray(), resumed.weight.toFloatArray(), "stopped at " + stopAt);
            assertArrayEquals(straight.bias.toFloatArray(), resumed.bias.toFloatArray(), "stopped at " + stopAt);
            assertArrayEquals(straight.momentum.get("weight").toFloatArray(),
                    resumed.momentum.get("weight").toFloatArray());
            assertArrayEquals(straight.dropout.state(), resumed.dropout.state());
        }
    }
}
