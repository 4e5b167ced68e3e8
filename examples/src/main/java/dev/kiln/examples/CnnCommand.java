package dev.kiln.examples;

import dev.kiln.data.TensorDataset;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.SeedCnn;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The seed CNN (conv, max-pool, conv, max-pool, flatten, three dense layers; images {@code [N, 1, 28, 28]}
 * to logits {@code [N, 10]}) trained with Adam and cross-entropy on MNIST.
 */
@Command(name = "cnn", mixinStandardHelpOptions = true,
        description = "The seed CNN (conv 3x3, max-pool, conv 3x3, max-pool, flatten, dense 128-64-10) on MNIST "
                + "with Adam: prints the test accuracy, writes model.safetensors, metrics.csv and curves.png. Default: 8 "
                + "epochs, Adam lr 1e-3.")
public final class CnnCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() {
        Path dir = MnistData.directory(options.data);
        TensorDataset train = MnistData.train(dir, false);
        TensorDataset test = MnistData.test(dir, false);
        SeedCnn net = new SeedCnn(new Generator(options.seed));
        double lr = options.lr != null ? options.lr : 1e-3;
        int epochs = options.epochs != null ? options.epochs : 8;
        Adam adam = new Adam(net.parameters(), Adam.options().lr(lr));
        ExampleRun.train("cnn", net, adam, F::crossEntropy, train, test, epochs, options, System.out);
        return 0;
    }
}
