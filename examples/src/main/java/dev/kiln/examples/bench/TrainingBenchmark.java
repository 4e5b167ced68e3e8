package dev.kiln.examples.bench;

import dev.kiln.compiled.Compiled;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.data.TensorDataset;
import dev.kiln.examples.MnistData;
import dev.kiln.examples.models.Mlp;
import dev.kiln.examples.models.SeedCnn;
import dev.kiln.examples.models.SeedMlp;
import dev.kiln.nn.Module;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
import dev.kiln.train.Evaluation;
import dev.kiln.train.Trainer;
import dev.kiln.train.TrainingStep;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The training workloads W1 (seed MLP), W2 (wide MLP) and W3 (seed CNN) of DESIGN.md: Adam 1e-3
 * on the 8,000 shipped training digits, float32. The first epoch is a warm-up and is not counted
 * (by default; see below); the reported time is the median of the remaining epochs' training passes (data loading,
 * forward, loss, backward and optimizer step; evaluation excluded), and the test accuracy is
 * measured on the 2,000 held-out digits after the last epoch.
 *
 * <p>One warm-up epoch is DESIGN.md's protocol, but on a 2-core machine it does not warm the JIT up:
 * W1's epoch lasts about 0.1 s, while C2 keeps one of the two cores busy compiling the kernels for
 * the first one to two seconds of training (in one 20-epoch run, W1's epochs 1-12 took 0.09-0.14 s
 * and epochs 13-19 0.066-0.087 s). More warm-up epochs ({@code warmup}) measure the speed once the
 * JIT has settled; the RESULT line says how many were left out.
 *
 * <p>Every batch is one {@link TrainingStep}, as in the {@code Trainer}. Each workload runs in one or
 * more modes: {@code compiled} (the step through the model's generated forward and backward, with its
 * tensors recycled between batches, when the model's body compiled) and {@code eager} (compiled
 * forwards switched off with {@link Compiled#setEnabled}: every op on the tape). Both start from the same seed,
 * so they train the same model on the same batches. The modes are
 * {@code -Dkiln.bench.modes=compiled,eager} (the default for W1, which then also prints the ratio) or
 * {@code compiled} (the default for W2 and W3).
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {}

    /** A workload's model and batch size. */
    private record Workload(String name, int batchSize, boolean images) {}

    /** The ways a workload can run. */
    public enum Mode {
        /** Through the compiled forward and backward (where the model compiled). */
        COMPILED,
        /** With compiled forwards switched off: every op recorded on the eager tape. */
        EAGER
    }

    /**
     * Runs workload W1, W2 or W3 for {@code epochs} epochs, the first {@code warmup} of them not timed,
     * in the modes of {@code -Dkiln.bench.modes} (see the class comment) and prints one RESULT line per
     * mode.
     */
    public static void run(String workload, int epochs, int warmup, int threads, Path dataDir, long seed,
            PrintStream out) {
        String defaults = workload.equals("W1") ? "compiled,eager" : "compiled";
        List<Mode> modes = new ArrayList<>();
        for (String m : System.getProperty("kiln.bench.modes", defaults).split(",")) {
            try {
                modes.add(Mode.valueOf(m.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bench " + workload + ": unknown mode '" + m
                        + "' in -Dkiln.bench.modes (use compiled, eager or compiled,eager)");
            }
        }
        run(workload, epochs, warmup, threads, dataDir, seed, out, modes);
    }

    /** One mode's training run: its own model, optimizer and loader, all from the same seed. */
    private static final class Run {
        final Mode mode;
        final Module model;
        final Adam adam;
        final TrainingStep step;
        final DataLoader<Batch> loader;
        final double[] seconds;

        final int warmup;

        Run(Mode mode, String workload, Workload w, TensorDataset train, long seed, int epochs, int warmup) {
            this.warmup = warmup;
            this.mode = mode;
            Generator generator = new Generator(seed);
            model = switch (workload) {
                case "W1" -> new SeedMlp(generator);
                case "W2" -> new Mlp(generator, 784, 1024, 1024, 10);
                default -> new SeedCnn(generator);
            };
            adam = new Adam(model.parameters(), Adam.options().lr(1e-3));
            step = TrainingStep.of(model, F::crossEntropy, adam);
            loader = DataLoader.builder(train).batchSize(w.batchSize()).shuffle(true).seed(seed).build();
            seconds = new double[epochs - warmup];
        }

        /** One training epoch in this run's mode; its time is kept unless it is a warm-up epoch. */
        void epoch(int epoch, boolean compiledAllowed) {
            Compiled.setEnabled(compiledAllowed && mode == Mode.COMPILED);
            long start = System.nanoTime();
            model.train();
            for (Batch batch : loader) {
                step.forward(batch.input(), batch.target());
                step.backwardAndUpdate();
            }
            double s = (System.nanoTime() - start) / 1e9;
            if (epoch >= warmup) {
                seconds[epoch - warmup] = s;
            }
        }

        /** "compiled" only where the compiled path actually ran: the model's body compiled and it was on. */
        String ran(boolean compiledAllowed) {
            return mode == Mode.COMPILED && compiledAllowed && model.compiledForward() != null ? "compiled" : "eager";
        }
    }

    /**
     * Runs the workload once per mode, from the same seed, and prints a RESULT line for each; with both
     * modes, also a RATIO line (eager seconds per epoch over compiled). The modes' epochs alternate, so
     * that neither is timed while the JIT is still compiling what the other already warmed up.
     */
    public static void run(String workload, int epochs, int warmup, int threads, Path dataDir, long seed,
            PrintStream out, List<Mode> modes) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("bench " + workload + ": no mode to run");
        }
        Workload w = switch (workload) {
            case "W1" -> new Workload("mlp-seed", 128, false);
            case "W2" -> new Workload("mlp-wide", 256, false);
            case "W3" -> new Workload("cnn-seed", 128, true);
            default -> throw new IllegalArgumentException("bench: unknown training workload " + workload);
        };
        if (warmup < 0) {
            throw new IllegalArgumentException("bench " + workload + ": --warmup must be >= 0, got " + warmup);
        }
        if (epochs <= warmup) {
            throw new IllegalArgumentException("bench " + workload + ": " + epochs + " epochs leave none to time after "
                    + warmup + " warm-up; use more --epochs than --warmup");
        }
        Path dir = MnistData.directory(dataDir);
        TensorDataset train = MnistData.train(dir, !w.images());
        TensorDataset test = MnistData.test(dir, !w.images());
        boolean compiledAllowed = Compiled.isEnabled();
        List<Run> runs = new ArrayList<>();
        for (Mode mode : modes) {
            runs.add(new Run(mode, workload, w, train, seed, epochs, warmup));
        }
        double[] medians = new double[Mode.values().length];
        try {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (Run run : runs) {
                    run.epoch(epoch, compiledAllowed);
                }
            }
            for (Run run : runs) {
                Compiled.setEnabled(compiledAllowed && run.mode == Mode.COMPILED);
                Evaluation eval = Trainer.evaluate(run.model, F::crossEntropy,
                        DataLoader.builder(test).batchSize(500).build());
                double median = median(run.seconds);
                medians[run.mode.ordinal()] = median;
                out.printf(Locale.ROOT, "RESULT framework=kiln workload=%s name=%s mode=%s epoch_s_median=%.4f "
                                + "samples_per_s=%.0f test_acc=%.4f epochs=%d warmup=%d threads=%d batch=%d epoch_s=%s%n",
                        workload, w.name(), run.ran(compiledAllowed), median, train.size() / median, eval.accuracy(),
                        epochs, warmup, threads, w.batchSize(),
                        Arrays.toString(Arrays.stream(run.seconds).map(v -> Math.round(v * 1000) / 1000.0).toArray()));
            }
        } finally {
            Compiled.setEnabled(compiledAllowed);
        }
        if (modes.contains(Mode.COMPILED) && modes.contains(Mode.EAGER)) {
            out.printf(Locale.ROOT, "RATIO framework=kiln workload=%s eager_over_compiled=%.2f compiled_s=%.4f "
                    + "eager_s=%.4f%n", workload, medians[Mode.EAGER.ordinal()] / medians[Mode.COMPILED.ordinal()],
                    medians[Mode.COMPILED.ordinal()], medians[Mode.EAGER.ordinal()]);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
