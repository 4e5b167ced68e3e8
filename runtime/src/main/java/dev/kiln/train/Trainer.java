package dev.kiln.train;

import dev.kiln.autograd.AnomalyMode;
import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.nn.Module;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.lr.LRScheduler;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a module with an optimizer and a loss, epoch by epoch: a training pass with a progress
 * display, an evaluation pass in {@code eval()} mode without gradients, a scheduler step, and the
 * listeners (metrics files, early stopping, best-model checkpoints, learning-rate logging).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, new Adam(model.parameters(), Adam.options().lr(1e-3)), F::crossEntropy)
 *         .epochs(5)
 *         .listener(new MetricsLogger(Path.of("runs/mlp")))
 *         .build();
 * trainer.fit(trainLoader, testLoader);
 * }</pre>
 *
 * <p>Each batch runs through a {@link TrainingStep}: the model's generated forward and backward,
 * with the step's tensors recycled from one batch to the next, when its {@code @Forward} body
 * compiled, and the eager tape otherwise.
 *
 * <p>With {@link Builder#checkpoint(Path, int)} the trainer saves a {@link TrainingState} (model,
 * optimizer, scheduler, generator, loader cursor, epoch and position) atomically every N steps and
 * after every epoch; {@link #resume(Path, DataLoader, DataLoader)} continues a stopped run from
 * that file, with freshly built objects, to the same parameters, bit for bit on the CPU, as a run
 * that never stopped.
 *
 * <p>A NaN or infinite loss stops training with a {@link TrainingDivergedException} that names
 * the epoch and step; {@link Builder#detectAnomaly(boolean)} re-runs every op under
 * {@link AnomalyMode} so the exception names the op that produced the first NaN.
 */
public final class Trainer {
    /** The key of the optimizer steps taken so far in a checkpoint's extra state; checkpoints every N steps count them. */
    private static final String GLOBAL_STEP = "global_step";
    /**
     * The key of the listeners' states in a checkpoint's extra state: {@code {"listener": class name,
     * "state": {...}}} for each listener with state, in order.
     */
    private static final String LISTENERS = "listeners";

    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final TrainingStep trainingStep;
    private final LRScheduler scheduler;
    private final int epochs;
    private final List<TrainingListener> listeners;
    private final ProgressReporter progress;
    private final PrintStream out;
    private final boolean detectAnomaly;
    private final int maxStepsPerEpoch;
    private final Path checkpointFile;
    private final int checkpointEvery;
    private final Generator generator;
    private String stopReason;
    private int epoch;
    private long globalStep;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.trainingStep = TrainingStep.of(b.model, b.loss, b.optimizer);
        this.scheduler = b.scheduler;
        this.epochs = b.epochs;
        this.listeners = List.copyOf(b.listeners);
        this.progress = b.progress != null ? b.progress : ProgressReporter.forOutput(b.out);
        this.out = b.out;
        this.detectAnomaly = b.detectAnomaly;
        this.maxStepsPerEpoch = b.maxStepsPerEpoch;
        this.checkpointFile = b.checkpointFile;
        this.checkpointEvery = b.checkpointEvery;
        this.generator = b.generator;
    }

    /** Starts configuring a trainer for {@code model}. */
    public static Builder builder(Module model, Optimizer optimizer, LossFunction loss) {
        return new Builder(model, optimizer, loss);
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The epoch running now (1-based), or the last one after {@link #fit}. */
    public int epoch() {
        return epoch;
    }

    /** Asks training to stop after the current epoch (early stopping); the reason is printed. */
    public void requestStop(String reason) {
        this.stopReason = reason;
    }

    /** Trains for the configured epochs (fewer if a listener stops it); returns every epoch's metrics. */
    public List<EpochMetrics> fit(DataLoader<Batch> train, DataLoader<Batch> validation) {
        globalStep = 0;
        return run(train, validation, 1, 0, new EpochTally());
    }

    /**
     * Restores the state saved in {@code file} by a trainer configured with
     * {@link Builder#checkpoint(Path, int)} into this trainer's model, optimizer, scheduler and
     * generator and into {@code train}'s cursor, then trains on from there: epochs before the saved
     * one are skipped, and the saved epoch continues at the batch after the last one saved. Build
     * every object as for the first run. Returns the metrics of the epochs finished by this call.
     *
     * @throws IllegalArgumentException naming the file and what does not match (see {@link TrainingState#restore})
     */
    public List<EpochMetrics> resume(Path file, DataLoader<Batch> train, DataLoader<Batch> validation) {
        TrainingState.Resume r = TrainingState.restore(file, model, optimizer, scheduler, generator, train);
        globalStep = r.extra().get(GLOBAL_STEP) instanceof Long n ? n : 0;
        restoreListeners(r.extra().get(LISTENERS));
        return run(train, validation, r.epoch(), r.position(), EpochTally.from(r.extra()));
    }

    private List<EpochMetrics> run(DataLoader<Batch> train, DataLoader<Batch> validation, int firstEpoch,
            int position, EpochTally tally) {
        List<EpochMetrics> history = new ArrayList<>();
        stopReason = null;
        for (epoch = firstEpoch; epoch <= epochs; epoch++) {
            for (TrainingListener l : listeners) {
                l.onEpochStart(this, epoch);
            }
            long start = System.nanoTime();
            double lr = optimizer.paramGroups().get(0).lr();
            Evaluation trained = trainEpoch(train, epoch == firstEpoch ? position : 0,
                    epoch == firstEpoch ? tally : new EpochTally());
            Evaluation validated = validation == null ? new Evaluation(Double.NaN, Double.NaN, 0) : evaluate(validation);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch, trained.loss(), trained.accuracy(), validated.loss(),
                    validated.accuracy(), lr, seconds);
            history.add(metrics);
            out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f  |  test loss %.4f acc %.4f  (%.1fs)%n",
                    epoch, epochs, metrics.trainLoss(), metrics.trainAccuracy(), metrics.valLoss(),
                    metrics.valAccuracy(), seconds);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(this, metrics);
            }
            if (scheduler != null) {
                scheduler.step();
            }
            if (checkpointFile != null) {
                saveCheckpoint(nextPass(train.state()), epoch + 1, 0, new EpochTally());
            }
            if (stopReason != null) {
                out.println("stopping early: " + stopReason);
                break;
            }
        }
        epoch = Math.min(epoch, epochs);
        for (TrainingListener l : listeners) {
            l.onFitEnd(this);
        }
        return history;
    }

    /** Trains the current epoch from batch {@code first} (0 unless resuming), adding to {@code tally}. */
    private Evaluation trainEpoch(DataLoader<Batch> train, int first, EpochTally tally) {
        model.train();
        int steps = maxStepsPerEpoch > 0 ? Math.min(maxStepsPerEpoch, train.length()) : train.length();
        progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), Math.max(steps - first, 0));
        try {
            // A resumed epoch whose batches were all trained opens no pass: the loader's cursor is at the next one.
            if (first == 0 || first < steps) {
                trainSteps(train, first, steps, tally);
            }
        } finally {
            progress.close();
        }
        return tally.evaluation();
    }

    private void trainSteps(DataLoader<Batch> train, int first, int steps, EpochTally tally) {
        try (DataLoader<Batch>.BatchIterator batches = train.iterator();
                AnomalyMode.Scope anomaly = detectAnomaly ? AnomalyMode.enable() : null) {
            for (int step = first + 1; step <= steps && batches.hasNext(); step++) {
                Batch batch = batches.next();
                double l = trainingStep.forward(batch.input(), batch.target());
                if (!Double.isFinite(l)) {
                    throw new TrainingDivergedException(String.format(Locale.ROOT,
                            "the loss became %s at epoch %d, step %d; %s", l, epoch, step, detectAnomaly
                                    ? "anomaly mode found no op producing it in the forward pass, so the inputs or "
                                            + "targets of this batch hold it"
                                    : "rerun with anomaly detection (Trainer.builder(...).detectAnomaly(true), or "
                                            + "--detect-anomaly in ./kiln) to name the op that produced it"));
                }
                trainingStep.backwardAndUpdate();
                tally.add(l, batch.size(), Accuracy.correct(trainingStep.output(), batch.target()));
                globalStep++;
                if (checkpointFile != null && checkpointEvery > 0 && globalStep % checkpointEvery == 0) {
                    DataLoader.State cursor = train.state();
                    saveCheckpoint(step == steps ? nextPass(cursor) : cursor, epoch, step, tally);
                }
                for (TrainingListener listener : listeners) {
                    listener.onStep(this, epoch, step, l);
                }
                progress.step(String.format(Locale.ROOT, "loss %.4f", tally.meanLoss()));
            }
        }
    }

    /**
     * The cursor of the loader's next pass once this epoch's are done: a pass cut short by
     * maxStepsPerEpoch is still open at its position, and the loader moves on to the next epoch.
     */
    private static DataLoader.State nextPass(DataLoader.State cursor) {
        return cursor.position() == 0 ? cursor : new DataLoader.State(cursor.seed(), cursor.epoch() + 1, 0);
    }

    private void saveCheckpoint(DataLoader.State cursor, int epochToResume, int position, EpochTally tally) {
        Map<String, Object> extra = tally.toMap();
        extra.put(GLOBAL_STEP, globalStep);
        List<Map<String, Object>> states = new ArrayList<>();
        for (TrainingListener l : listeners) {
            Map<String, Object> state = l.state();
            if (state != null && !state.isEmpty()) {
                Map<String, Object> entry = new LinkedHashMap<>(); // a fixed key order: the same run, the same bytes
                entry.put("listener", l.getClass().getName());
                entry.put("state", state);
                states.add(entry);
            }
        }
        extra.put(LISTENERS, states);
        TrainingState.save(checkpointFile, model, optimizer, scheduler, generator, cursor, epochToResume, position,
                extra);
    }

    /**
     * Hands each saved listener state to this trainer's listener of the same class, the k-th saved
     * state of a class to its k-th listener: listeners added or left out on resuming (a logger, a test's
     * interruption) change nothing, a listener with no saved state starts afresh, and a saved state
     * whose listener is gone is dropped.
     */
    @SuppressWarnings("unchecked") // JSON objects are String-keyed maps
    private void restoreListeners(Object saved) {
        if (!(saved instanceof List<?> states)) {
            return; // a checkpoint from before listener states were saved
        }
        Map<String, ArrayDeque<Map<String, Object>>> byClass = new HashMap<>();
        for (Object entry : states) {
            if (entry instanceof Map<?, ?> m && m.get("listener") instanceof String type
                    && m.get("state") instanceof Map<?, ?> state) {
                byClass.computeIfAbsent(type, t -> new ArrayDeque<>()).add((Map<String, Object>) state);
            }
        }
        for (TrainingListener l : listeners) {
            ArrayDeque<Map<String, Object>> queue = byClass.get(l.getClass().getName());
            if (queue != null && !queue.isEmpty()) {
                l.restoreState(queue.poll());
            }
        }
    }

    /** The running loss and accuracy sums of an epoch, saved with a checkpoint so a resumed epoch reports the whole epoch. */
    private static final class EpochTally {
        private double lossSum;
        private long correct;
        private long examples;

        void add(double loss, int n, long rightAnswers) {
            lossSum += loss * n;
            examples += n;
            correct += rightAnswers;
        }

        double meanLoss() {
            return lossSum / Math.max(examples, 1);
        }

        Evaluation evaluation() {
            return new Evaluation(meanLoss(), (double) correct / Math.max(examples, 1), (int) examples);
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("epoch_loss_sum", lossSum);
            map.put("epoch_correct", correct);
            map.put("epoch_examples", examples);
            return map;
        }

        static EpochTally from(Map<String, Object> map) {
            EpochTally t = new EpochTally();
            if (map.get("epoch_loss_sum") instanceof Double d && map.get("epoch_correct") instanceof Long c
                    && map.get("epoch_examples") instanceof Long n) {
                t.lossSum = d;
                t.correct = c;
                t.examples = n;
            }
            return t;
        }
    }

    /** The mean loss and accuracy of the model over {@code data}, in eval mode and without gradients. */
    public Evaluation evaluate(DataLoader<Batch> data) {
        return evaluate(model, loss, data);
    }

    /** Evaluates any module: eval mode and no gradients while it runs, the previous mode restored after. */
    public static Evaluation evaluate(Module model, LossFunction loss, DataLoader<Batch> data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        int examples = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Batch batch : data) {
                Tensor output = model.apply(batch.input());
                int n = batch.size();
                lossSum += loss.apply(output, batch.target()).item() * n;
                correct += Accuracy.correct(output, batch.target());
                examples += n;
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / Math.max(examples, 1), (double) correct / Math.max(examples, 1), examples);
    }

    /** Configures a {@link Trainer}. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final LossFunction loss;
        private LRScheduler scheduler;
        private int epochs = 1;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private ProgressReporter progress;
        private PrintStream out = System.out;
        private boolean detectAnomaly;
        private int maxStepsPerEpoch;
        private Path checkpointFile;
        private int checkpointEvery;
        private Generator generator = Generator.global();

        private Builder(Module model, Optimizer optimizer, LossFunction loss) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.loss = Objects.requireNonNull(loss, "loss");
        }

        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("Trainer: epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** A scheduler stepped once after every epoch. */
        public Builder scheduler(LRScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** How progress is shown (default: a bar on a terminal, plain lines otherwise). */
        public Builder progress(ProgressReporter progress) {
            this.progress = progress;
            return this;
        }

        /** Where the per-epoch summary lines go (default System.out). */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /** Runs every op under anomaly detection (slow), so a NaN is traced to the op that made it. */
        public Builder detectAnomaly(boolean on) {
            this.detectAnomaly = on;
            return this;
        }

        /** Caps the batches per epoch (a quick smoke run of a long job); 0 means all. */
        public Builder maxStepsPerEpoch(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("Trainer: maxStepsPerEpoch must be >= 0, got " + steps);
            }
            this.maxStepsPerEpoch = steps;
            return this;
        }

        /**
         * Saves the training state to {@code file} (atomically, replacing it) every {@code everySteps}
         * optimizer steps counted across epochs (0: only at epoch ends) and after every epoch, so that
         * {@link Trainer#resume} can continue the run; see {@link TrainingState}.
         */
        public Builder checkpoint(Path file, int everySteps) {
            if (everySteps < 0) {
                throw new IllegalArgumentException("Trainer: checkpoint everySteps must be >= 0, got " + everySteps);
            }
            this.checkpointFile = Objects.requireNonNull(file, "file");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * The random generator whose state checkpoints save and {@link Trainer#resume} restores: the
         * one the model's dropout draws from (default {@link Generator#global()}, Dropout's default);
         * null saves none.
         */
        public Builder generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
