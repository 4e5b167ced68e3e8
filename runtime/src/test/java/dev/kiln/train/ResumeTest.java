package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.data.TensorDataset;
import dev.kiln.io.Checkpoint;
import dev.kiln.io.FileFormatException;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Linear;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.OptimizerStateDict;
import dev.kiln.optim.SGD;
import dev.kiln.optim.lr.StepLR;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped mid-epoch and resumed by a fresh Trainer from its checkpoint ends with the same
 * parameters, optimizer state, scheduler state and generator state, bit for bit, as a run that
 * never stopped: an MLP with dropout, Adam, StepLR and a shuffled loader.
 */
class ResumeTest {
    private static final int EPOCHS = 3;
    private static final int BATCHES = 8; // 60 examples in batches of 8: the last batch holds 4

    @TempDir
    Path dir;

    /** An interruption (a crash, a killed job) thrown from a listener. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** The objects of one run, built afresh for each. */
    private static final class Run {
        final Generator dropout;
        final Sequential model;
        final Optimizer optimizer;
        final StepLR scheduler;
        final DataLoader<Batch> train;
        final DataLoader<Batch> validation;

        Run(long seed, boolean sgd) {
            Generator init = new Generator(seed);
            dropout = new Generator(seed + 1);
            model = new Sequential(new Linear(8, 16, true, init, DType.FLOAT32), new ReLU(),
                    new Dropout(0.3, dropout), new Linear(16, 3, true, init, DType.FLOAT32));
            optimizer = sgd ? new SGD(model.parameters(), 0.1) : new Adam(model.parameters(), Adam.options().lr(0.01));
            scheduler = new StepLR(optimizer, 1, 0.5);
            Generator data = new Generator(2024);
            TensorDataset set = new TensorDataset(Tensor.randn(data, 60, 8), Tensor.randint(data, 0, 3, 60));
            train = DataLoader.builder(set).batchSize(8).shuffle(true).seed(seed + 2).build();
            validation = DataLoader.builder(set).batchSize(16).build();
        }

        Run(long seed) {
            this(seed, false);
        }

        Trainer.Builder trainer() {
            return Trainer.builder(model, optimizer, F::crossEntropy).epochs(EPOCHS).scheduler(scheduler)
                    .generator(dropout).progress(ProgressReporter.silent())
                    .out(new PrintStream(OutputStream.nullOutputStream()));
        }
    }

    private static TrainingListener stopAfter(int globalSteps) {
        return new TrainingListener() {
            private int steps;

            @Override
            public void onStep(Trainer trainer, int epoch, int step, double loss) {
                if (++steps == globalSteps) {
                    throw new Stop();
                }
            }
        };
    }

    @Test
    void resumedRunMatchesAnUninterruptedRunBitForBit() {
        Run straight = new Run(1);
        List<EpochMetrics> straightHistory = straight.trainer().build().fit(straight.train, straight.validation);
        assertEquals(EPOCHS, straightHistory.size());

        // Stopped in epoch 1 between checkpoints, after epoch 1's last step (saved before its epoch end),
        // on a checkpoint in epoch 2, and between checkpoints in epoch 2.
        for (int stopAt : new int[] {6, BATCHES, 12, BATCHES + 5}) {
            Path file = dir.resolve("run-" + stopAt + ".safetensors");
            Run first = new Run(1);
            Trainer stopped = first.trainer().checkpoint(file, 4).listener(stopAfter(stopAt)).build();
            assertThrows(Stop.class, () -> stopped.fit(first.train, first.validation));

            // Different seeds everywhere: everything that matters must come from the file.
            Run resumed = new Run(77);
            List<EpochMetrics> history = resumed.trainer().checkpoint(file, 4).build()
                    .resume(file, resumed.train, resumed.validation);

            String where = "stopped after step " + stopAt;
            assertParametersEqual(straight, resumed, where);
            assertOptimizerStateEqual(straight.optimizer.stateDict(), resumed.optimizer.stateDict(), where);
            assertEquals(straight.scheduler.stateDict(), resumed.scheduler.stateDict(), where);
            assertArrayEquals(straight.dropout.state(), resumed.dropout.state(), where);
            assertEquals(straight.train.state(), resumed.train.state(), where);
            // The resumed epoch's metrics cover the whole epoch, the part before the stop included.
            assertEquals(straightHistory.get(EPOCHS - 1).trainLoss(), history.get(history.size() - 1).trainLoss(), where);
            int firstResumed = history.get(0).epoch();
            assertEquals(straightHistory.get(firstResumed - 1).trainLoss(), history.get(0).trainLoss(), where);
            assertEquals(straightHistory.get(firstResumed - 1).trainAccuracy(), history.get(0).trainAccuracy(), where);
        }
    }

    @Test
    void resumeWithEpochsCutShortByMaxStepsMatchesAnUninterruptedRun() {
        Run straight = new Run(3);
        straight.trainer().maxStepsPerEpoch(5).build().fit(straight.train, straight.validation);

        Path file = dir.resolve("short.safetensors");
        Run first = new Run(3);
        Trainer stopped = first.trainer().maxStepsPerEpoch(5).checkpoint(file, 1).listener(stopAfter(5 + 5)).build();
        assertThrows(Stop.class, () -> stopped.fit(first.train, first.validation));
        Run resumed = new Run(4);
        resumed.trainer().maxStepsPerEpoch(5).build().resume(file, resumed.train, resumed.validation);

        assertParametersEqual(straight, resumed, "epochs of 5 steps, stopped after epoch 2's last step");
        assertOptimizerStateEqual(straight.optimizer.stateDict(), resumed.optimizer.stateDict(), "max steps");
    }

    /** Records what {@code watched} would save at the start of each epoch. */
    private static TrainingListener stateAtEpochStart(TrainingListener watched, Map<Integer, Map<String, Object>> into) {
        return new TrainingListener() {
            @Override
            public void onEpochStart(Trainer trainer, int epoch) {
                into.put(epoch, watched.state());
            }
        };
    }

    @Test
    void listenersResumeWithTheStateTheyHadWhenTheRunStopped() throws IOException {
        Run straight = new Run(1);
        EarlyStopping patience = new EarlyStopping("val_loss", 10, 0);
        CheckpointBest best = new CheckpointBest(dir.resolve("best-straight.safetensors"), "val_acc");
        Map<Integer, Map<String, Object>> straightStates = new HashMap<>();
        straight.trainer().listener(patience).listener(best).listener(stateAtEpochStart(patience, straightStates))
                .build().fit(straight.train, straight.validation);

        Path file = dir.resolve("listeners.safetensors");
        Run first = new Run(1);
        Path runDir = dir.resolve("run");
        Trainer stopped = first.trainer().checkpoint(file, 4).listener(new EarlyStopping("val_loss", 10, 0))
                .listener(new CheckpointBest(dir.resolve("best-first.safetensors"), "val_acc"))
                .listener(new MetricsLogger(runDir, "resumed")).listener(stopAfter(BATCHES + 5)).build();
        assertThrows(Stop.class, () -> stopped.fit(first.train, first.validation));

        // Fresh listeners, a logger added in front: each gets its own class's saved state.
        Run resumed = new Run(77);
        EarlyStopping resumedPatience = new EarlyStopping("val_loss", 10, 0);
        CheckpointBest resumedBest = new CheckpointBest(dir.resolve("best-resumed.safetensors"), "val_acc");
        Map<Integer, Map<String, Object>> resumedStates = new HashMap<>();
        MetricsLogger log = new MetricsLogger(runDir, "resumed");
        resumed.trainer().listener(new LearningRateLogger(new PrintStream(OutputStream.nullOutputStream())))
                .listener(resumedPatience).listener(resumedBest).listener(log)
                .listener(stateAtEpochStart(resumedPatience, resumedStates)).build()
                .resume(file, resumed.train, resumed.validation);

        assertTrue(straightStates.get(2).get("best") instanceof Double, "epoch 1 set a best loss");
        assertEquals(straightStates.get(2), resumedStates.get(2), "early stopping as it was after epoch 1");
        assertEquals(patience.state(), resumedPatience.state(), "and at the end");
        assertEquals(best.best(), resumedBest.best(), "the best accuracy over all epochs, epoch 1 included");
        List<String> csv = Files.readAllLines(log.csvPath());
        assertEquals(1 + EPOCHS, csv.size(), "the metrics file holds every epoch of the run:\n" + csv);
        assertTrue(csv.get(1).startsWith("1,"), csv.get(1));
    }

    @Test
    void checkpointAtTheEndOfTheLastEpochResumesToNothingMore() {
        Path file = dir.resolve("done.safetensors");
        Run done = new Run(5);
        done.trainer().checkpoint(file, 0).build().fit(done.train, done.validation);
        Run again = new Run(6);
        List<EpochMetrics> history = again.trainer().build().resume(file, again.train, again.validation);
        assertEquals(List.of(), history);
        assertParametersEqual(done, again, "resumed after the last epoch");
    }

    @Test
    void resumingWithAnotherOptimizerNamesTheFileAndBothOptimizers() {
        Path file = dir.resolve("adam.safetensors");
        Run first = new Run(1);
        first.trainer().checkpoint(file, 0).build().fit(first.train, first.validation);

        Run withSgd = new Run(9, true);
        float[] before = withSgd.model.parameters().get(0).toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withSgd.trainer().build().resume(file, withSgd.train, withSgd.validation));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Adam") && e.getMessage().contains("SGD"), e.getMessage());
        // Nothing was restored: the model keeps its own initialization.
        assertArrayEquals(before, withSgd.model.parameters().get(0).toFloatArray());
    }

    @Test
    void resumingWithAnOptimizerOverOtherParametersNamesBothCounts() {
        Path file = dir.resolve("count.safetensors");
        Run first = new Run(1);
        TrainingState.save(file, first.model, first.optimizer, first.scheduler, first.dropout, first.train, 1, 0);

        Run other = new Run(2);
        Adam partial = new Adam(other.model.parameters().subList(0, 2), Adam.options().lr(0.01));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingState.restore(file,
                other.model, partial, new StepLR(partial, 1, 0.5), other.dropout, other.train));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("4 parameters") && e.getMessage().contains("2 parameters"), e.getMessage());
    }

    @Test
    void resumingWithoutTheSavedSchedulerSaysSo() {
        Path file = dir.resolve("sched.safetensors");
        Run first = new Run(1);
        TrainingState.save(file, first.model, first.optimizer, first.scheduler, first.dropout, first.train, 2, 3);

        Run other = new Run(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingState.restore(file,
                other.model, other.optimizer, null, other.dropout, other.train));
        assertTrue(e.getMessage().contains("StepLR scheduler but no scheduler was given"), e.getMessage());

        TrainingState.Resume r = TrainingState.restore(file, other.model, other.optimizer, other.scheduler,
                other.dropout, other.train);
        assertEquals(2, r.epoch());
        assertEquals(3, r.position());
        assertArrayEquals(first.dropout.state(), other.dropout.state());
    }

    @Test
    void resumingWithALoaderOfFewerBatchesOrFromAPlainCheckpointSaysWhy() {
        Path file = dir.resolve("loader.safetensors");
        Run first = new Run(1);
        first.train.setState(new DataLoader.State(first.train.state().seed(), 0, 7));
        TrainingState.save(file, first.model, first.optimizer, first.scheduler, first.dropout, first.train, 1, 7);

        Run other = new Run(2);
        DataLoader<Batch> bigBatches = DataLoader.builder(new TensorDataset(Tensor.zeros(60, 8),
                Tensor.zeros(DType.INT64, 60))).batchSize(30).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingState.restore(file,
                other.model, other.optimizer, other.scheduler, other.dropout, bigBatches));
        assertTrue(e.getMessage().contains("delivered 7 batches of epoch 0 but this loader has 2 batches per pass"),
                e.getMessage());

        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.builder().model(first.model.stateDict()).build().save(plain);
        FileFormatException f = assertThrows(FileFormatException.class, () -> TrainingState
                .restore(plain, other.model, other.optimizer, other.scheduler, other.dropout, other.train));
        assertTrue(f.getMessage().contains("no \"training.optimizer\" in __metadata__"), f.getMessage());
    }

    private static void assertParametersEqual(Run expected, Run actual, String where) {
        Map<String, Tensor> want = expected.model.namedParameters();
        Map<String, Tensor> got = actual.model.namedParameters();
        assertEquals(want.keySet(), got.keySet());
        for (String key : want.keySet()) {
            assertArrayEquals(want.get(key).toFloatArray(), got.get(key).toFloatArray(), where + ": " + key);
        }
    }

    private static void assertOptimizerStateEqual(OptimizerStateDict want, OptimizerStateDict got, String where) {
        assertEquals(want.metadata(), got.metadata(), where);
        assertEquals(want.tensors().keySet(), got.tensors().keySet(), where);
        for (String key : want.tensors().keySet()) {
            assertArrayEquals(want.tensors().get(key).toDoubleArray(), got.tensors().get(key).toDoubleArray(),
                    where + ": " + key);
        }
    }
}
