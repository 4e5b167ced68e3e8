package dev.kiln.examples;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.data.TensorDataset;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.io.SafeTensors;
import dev.kiln.nn.Module;
import dev.kiln.optim.Optimizer;
import dev.kiln.train.EpochMetrics;
import dev.kiln.train.LossFunction;
import dev.kiln.train.MetricsLogger;
import dev.kiln.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shape every training example shares: loaders over the train and test splits, a
 * {@link Trainer} with metrics and plot, the final model saved as safetensors, and a closing
 * summary that tells the user where everything went.
 */
public final class ExampleRun {
    private ExampleRun() {}

    /** What a finished run produced. */
    public record Result(double testAccuracy, double testLoss, Path checkpoint, Path metrics, Path plot,
            List<EpochMetrics> history) {}

    /** Trains {@code model} on MNIST and writes model.safetensors, metrics.csv and curves.png into the run directory. */
    public static Result train(String name, Module model, Optimizer optimizer, LossFunction loss, TensorDataset train,
            TensorDataset test, int epochs, TrainingOptions options, PrintStream out) {
        return train(name, "MNIST", model, optimizer, loss, train, test, epochs, options, out);
    }

    /** Trains {@code model} on the named data set ("MNIST", "CIFAR-10") and writes its files into the run directory. */
    public static Result train(String name, String dataset, Module model, Optimizer optimizer, LossFunction loss,
            TensorDataset train, TensorDataset test, int epochs, TrainingOptions options, PrintStream out) {
        if (options.threads != null) {
            Parallel.setThreads(options.threads);
        }
        Path runDir = options.runDir(name);
        out.printf(Locale.ROOT, "%s: %,d parameters, %,d training and %,d test examples, %d epochs, batch %d, "
                + "%d threads%n", name, model.numParameters(), train.size(), test.size(), epochs, options.batchSize,
                Parallel.threads());
        DataLoader<Batch> trainLoader = DataLoader.builder(train).batchSize(options.batchSize).shuffle(true)
                .seed(options.seed).build();
        DataLoader<Batch> testLoader = DataLoader.builder(test).batchSize(500).build();
        MetricsLogger metrics = new MetricsLogger(runDir, "Kiln " + name + " on " + dataset);
        Trainer trainer = Trainer.builder(model, optimizer, loss)
                .epochs(epochs)
                .listener(metrics)
                .maxStepsPerEpoch(options.maxSteps)
                .detectAnomaly(options.detectAnomaly)
                .out(out)
                .build();
        List<EpochMetrics> history = trainer.fit(trainLoader, testLoader);
        EpochMetrics last = history.get(history.size() - 1);
        Path checkpoint = runDir.resolve("model.safetensors");
        SafeTensors.write(checkpoint, model.stateDict(), Map.of("example", name,
                "epochs", Integer.toString(history.size()),
                "test_accuracy", String.format(Locale.ROOT, "%.4f", last.valAccuracy())));
        out.printf(Locale.ROOT, "%ntest accuracy %.4f (%d held-out %s examples)%n", last.valAccuracy(), test.size(),
                dataset);
        out.println("checkpoint  " + checkpoint.toAbsolutePath().normalize());
        out.println("metrics     " + metrics.csvPath().toAbsolutePath().normalize());
        out.println("plot        " + metrics.plotPath().toAbsolutePath().normalize());
        return new Result(last.valAccuracy(), last.valLoss(), checkpoint, metrics.csvPath(), metrics.plotPath(),
                history);
    }
}
