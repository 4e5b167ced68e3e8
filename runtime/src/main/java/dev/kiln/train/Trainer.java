package dev.kiln.train;

import dev.kiln.autograd.AnomalyMode;
import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.nn.Module;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.lr.LRScheduler;
import dev.kiln.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>A NaN or infinite loss stops training with a {@link TrainingDivergedException} that names
 * the epoch and step; {@link Builder#detectAnomaly(boolean)} re-runs every op under
 * {@link AnomalyMode} so the exception names the op that produced the first NaN.
 */
public final class Trainer {
    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final LRScheduler scheduler;
    private final int epochs;
    private final List<TrainingListener> listeners;
    private final ProgressReporter progress;
    private final PrintStream out;
    private final boolean detectAnomaly;
    private final int maxStepsPerEpoch;
    private String stopReason;
    private int epoch;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.scheduler = b.scheduler;
        this.epochs = b.epochs;
        this.listeners = List.copyOf(b.listeners);
        this.progress = b.progress != null ? b.progress : ProgressReporter.forOutput(b.out);
        this.out = b.out;
        this.detectAnomaly = b.detectAnomaly;
        this.maxStepsPerEpoch = b.maxStepsPerEpoch;
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
        List<EpochMetrics> history = new ArrayList<>();
        stopReason = null;
        for (epoch = 1; epoch <= epochs; epoch++) {
            for (TrainingListener l : listeners) {
                l.onEpochStart(this, epoch);
            }
            long start = System.nanoTime();
            double lr = optimizer.paramGroups().get(0).lr();
            Evaluation trained = trainEpoch(train);
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

    private Evaluation trainEpoch(DataLoader<Batch> train) {
        model.train();
        int steps = maxStepsPerEpoch > 0 ? Math.min(maxStepsPerEpoch, train.length()) : train.length();
        double lossSum = 0;
        long correct = 0;
        int examples = 0;
        progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), steps);
        try (DataLoader<Batch>.BatchIterator batches = train.iterator();
                AnomalyMode.Scope anomaly = detectAnomaly ? AnomalyMode.enable() : null) {
            for (int step = 1; step <= steps && batches.hasNext(); step++) {
                Batch batch = batches.next();
                optimizer.zeroGrad();
                Tensor output = model.apply(batch.input());
                Tensor value = loss.apply(output, batch.target());
                double l = value.item();
                if (!Double.isFinite(l)) {
                    throw new TrainingDivergedException(String.format(Locale.ROOT,
                            "the loss became %s at epoch %d, step %d; %s", l, epoch, step, detectAnomaly
                                    ? "anomaly mode found no op producing it in the forward pass, so the inputs or "
                                            + "targets of this batch hold it"
                                    : "rerun with anomaly detection (Trainer.builder(...).detectAnomaly(true), or "
                                            + "--detect-anomaly in ./kiln) to name the op that produced it"));
                }
                value.backward();
                optimizer.step();
                int n = batch.size();
                lossSum += l * n;
                examples += n;
                correct += Accuracy.correct(output, batch.target());
                for (TrainingListener listener : listeners) {
                    listener.onStep(this, epoch, step, l);
                }
                progress.step(String.format(Locale.ROOT, "loss %.4f", lossSum / examples));
            }
        } finally {
            progress.close();
        }
        return new Evaluation(lossSum / Math.max(examples, 1), (double) correct / Math.max(examples, 1), examples);
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

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
