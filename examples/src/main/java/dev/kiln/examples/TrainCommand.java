package dev.kiln.examples;

import dev.kiln.data.TensorDataset;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.SeedCnn;
import dev.kiln.examples.models.SeedMlp;
import dev.kiln.nn.Module;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job: trains the seed CNN (or, with {@code --model mlp}, the seed MLP) on the shipped
 * MNIST digits with Adam, shows progress, prints the held-out accuracy and writes a checkpoint,
 * the metrics and a plot.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "The main job: train a model on MNIST, print the test accuracy, write model.safetensors, "
                + "metrics.csv and curves.png.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--model", defaultValue = "cnn", description = "cnn (the seed CNN) or mlp (the seed MLP); "
            + "default: ${DEFAULT-VALUE}")
    String model;

    @Override
    public Integer call() {
        boolean cnn = switch (model) {
            case "cnn" -> true;
            case "mlp" -> false;
            default -> throw new IllegalArgumentException("--model must be cnn or mlp, got " + model);
        };
        Path dir = MnistData.directory(options.data);
        TensorDataset train = MnistData.train(dir, !cnn);
        TensorDataset test = MnistData.test(dir, !cnn);
        Generator generator = new Generator(options.seed);
        Module net = cnn ? new SeedCnn(generator) : new SeedMlp(generator);
        double lr = options.lr != null ? options.lr : 1e-3;
        int epochs = options.epochs != null ? options.epochs : cnn ? 8 : 15;
        Adam adam = new Adam(net.parameters(), Adam.options().lr(lr));
        ExampleRun.train(model, net, adam, F::crossEntropy, train, test, epochs, options, System.out);
        return 0;
    }
}
