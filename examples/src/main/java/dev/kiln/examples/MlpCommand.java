package dev.kiln.examples;

import dev.kiln.data.TensorDataset;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.SeedMlp;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The seed MLP (784-200-100-70-30-10, ReLU) trained with Adam on MNIST against one-hot targets, as the
 * seed does: the loss is the cross-entropy of the softmax of the logits {@code [N, 10]} with the one-hot
 * rows {@code [N, 10]} (class probabilities), not with class indices.
 */
@Command(name = "mlp", mixinStandardHelpOptions = true,
        description = "The seed MLP 784-200-100-70-30-10 (ReLU, Adam, one-hot cross-entropy) on MNIST: prints the "
                + "test accuracy, writes model.safetensors, metrics.csv and curves.png. Default: 20 epochs, Adam lr 1e-3.")
public final class MlpCommand implements Callable<Integer> {
    private static final int CLASSES = 10;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() {
        Path dir = MnistData.directory(options.data);
        TensorDataset train = oneHot(MnistData.train(dir, true));
        TensorDataset test = oneHot(MnistData.test(dir, true));
        SeedMlp net = new SeedMlp(new Generator(options.seed));
        double lr = options.lr != null ? options.lr : 1e-3;
        int epochs = options.epochs != null ? options.epochs : 20;
        Adam adam = new Adam(net.parameters(), Adam.options().lr(lr));
        ExampleRun.train("mlp", net, adam, F::crossEntropy, train, test, epochs, options, System.out);
        return 0;
    }

    /** The same images with labels {@code [N]} replaced by one-hot rows {@code [N, 10]} (the seed's get_one_hot). */
    static TensorDataset oneHot(TensorDataset labelled) {
        // Row i of the identity is the one-hot code of class i, so picking rows by label encodes the batch.
        Tensor codes = Ops.indexSelect(Tensor.eye(CLASSES), 0, labelled.targets());
        return new TensorDataset(labelled.inputs(), codes);
    }
}
