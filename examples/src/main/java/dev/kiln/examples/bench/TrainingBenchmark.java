package dev.kiln.examples.bench;

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
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Evaluation;
import dev.kiln.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The training workloads W1 (seed MLP), W2 (wide MLP) and W3 (seed CNN) of DESIGN.md: Adam 1e-3
 * on the 8,000 shipped training digits, float32. The first epoch warms the JIT up and is not
 * counted; the reported time is the median of the remaining epochs' training passes (data loading,
 * forward, loss, backward and optimizer step; evaluation excluded), and the test accuracy is
 * measured on the 2,000 held-out digits after the last epoch.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {}

    /** A workload's model and batch size. */
    private record Workload(String name, int batchSize, boolean images) {}

    /** Runs workload W1, W2 or W3 for {@code epochs} epochs (at least 2) and prints its RESULT line. */
    public static void run(String workload, int epochs, int threads, Path dataDir, long seed, PrintStream out) {
        Workload w = switch (workload) {
            case "W1" -> new Workload("mlp-seed", 128, false);
            case "W2" -> new Workload("mlp-wide", 256, false);
            case "W3" -> new Workload("cnn-seed", 128, true);
            default -> throw new IllegalArgumentException("bench: unknown training workload " + workload);
        };
        if (epochs < 2) {
            throw new IllegalArgumentException("bench " + workload + ": needs at least 2 epochs (1 warm-up), got "
                    + epochs);
        }
        Path dir = MnistData.directory(dataDir);
        TensorDataset train = MnistData.train(dir, !w.images());
        TensorDataset test = MnistData.test(dir, !w.images());
        Generator generator = new Generator(seed);
        Module model = switch (workload) {
            case "W1" -> new SeedMlp(generator);
            case "W2" -> new Mlp(generator, 784, 1024, 1024, 10);
            default -> new SeedCnn(generator);
        };
        Adam adam = new Adam(model.parameters(), Adam.options().lr(1e-3));
        DataLoader<Batch> loader = DataLoader.builder(train).batchSize(w.batchSize()).shuffle(true).seed(seed).build();
        double[] seconds = new double[epochs - 1];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            model.train();
            for (Batch batch : loader) {
                adam.zeroGrad();
                Tensor loss = F.crossEntropy(model.apply(batch.input()), batch.target());
                loss.backward();
                adam.step();
            }
            double s = (System.nanoTime() - start) / 1e9;
            if (epoch > 0) {
                seconds[epoch - 1] = s;
            }
        }
        Evaluation eval = Trainer.evaluate(model, F::crossEntropy,
                DataLoader.builder(test).batchSize(500).build());
        double median = median(seconds);
        out.printf(Locale.ROOT, "RESULT framework=kiln workload=%s name=%s epoch_s_median=%.4f samples_per_s=%.0f "
                        + "test_acc=%.4f epochs=%d threads=%d batch=%d epoch_s=%s%n",
                workload, w.name(), median, train.size() / median, eval.accuracy(), epochs, threads, w.batchSize(),
                Arrays.toString(Arrays.stream(seconds).map(v -> Math.round(v * 1000) / 1000.0).toArray()));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
