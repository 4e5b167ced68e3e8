package dev.kiln.examples;

import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.DataLoader;
import dev.kiln.data.TensorDataset;
import dev.kiln.data.cifar.Cifar10Reader;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.MlpResNet;
import dev.kiln.io.SafeTensors;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
import dev.kiln.train.Evaluation;
import dev.kiln.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The seed assignment: the residual MLP ({@link MlpResNet}, images flattened to {@code [N, dim]}, logits
 * {@code [N, 10]}) on MNIST or CIFAR-10, then the model saved as safetensors, loaded into a freshly
 * built model and evaluated there without gradients; both accuracies are printed and must match.
 */
@Command(name = "resmlp", mixinStandardHelpOptions = true,
        description = "The seed assignment's residual MLP (needle's MLPResNet) on MNIST or CIFAR-10: trains, saves "
                + "model.safetensors, loads it into a fresh model and evaluates that without gradients. Default: 20 "
                + "epochs on MNIST, 10 on CIFAR-10, Adam lr 1e-3.")
public final class ResMlpCommand implements Callable<Integer> {
    private static final int CLASSES = 10;

    @Mixin
    TrainingOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME",
            description = "mnist or cifar10; cifar10 needs --data DIR, the folder of CIFAR-10's binary version "
                    + "(cifar-10-batches-bin). Default: ${DEFAULT-VALUE}")
    String dataset;

    @Option(names = "--hidden", defaultValue = "100", description = "width between the blocks (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--blocks", defaultValue = "3", description = "residual blocks (default: ${DEFAULT-VALUE})")
    int blocks;

    @Option(names = "--dropout", defaultValue = "0.1", description = "dropout in the blocks (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--weight-decay", defaultValue = "0.001",
            description = "Adam's L2 weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Override
    public Integer call() {
        boolean cifar = isCifar();
        TensorDataset train;
        TensorDataset test;
        if (cifar) {
            Path dir = cifarDirectory();
            train = Cifar10Reader.train(dir);
            test = Cifar10Reader.test(dir);
        } else {
            Path dir = MnistData.directory(options.data);
            train = MnistData.train(dir, true);
            test = MnistData.test(dir, true);
        }
        int dim = train.inputs().numel() / Math.max(train.size(), 1);
        MlpResNet net = new MlpResNet(dim, hidden, blocks, CLASSES, dropout, new Generator(options.seed));
        double lr = options.lr != null ? options.lr : 1e-3;
        int epochs = options.epochs != null ? options.epochs : cifar ? 10 : 20;
        Adam adam = new Adam(net.parameters(), Adam.options().lr(lr).weightDecay(weightDecay));
        String name = cifar ? "resmlp-cifar10" : "resmlp";
        PrintStream out = System.out;
        ExampleRun.Result trained = ExampleRun.train(name, cifar ? "CIFAR-10" : "MNIST", net, adam, F::crossEntropy,
                train, test, epochs, options, out);

        // A fresh model with other initial weights, so that only the file can make it agree with the trained one.
        MlpResNet fresh = new MlpResNet(dim, hidden, blocks, CLASSES, dropout, new Generator(options.seed + 1));
        DataLoader<Batch> testLoader = DataLoader.builder(test).batchSize(500).build();
        Evaluation before = Trainer.evaluate(fresh, F::crossEntropy, testLoader);
        SafeTensors.Contents saved = SafeTensors.read(trained.checkpoint());
        fresh.loadStateDict(saved.tensors());
        Evaluation reloaded;
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            reloaded = Trainer.evaluate(fresh, F::crossEntropy, testLoader);
        }
        boolean match = reloaded.accuracy() == trained.testAccuracy();
        out.printf(Locale.ROOT, "%nreloaded %d tensors from %s into a fresh model (test accuracy %.4f before "
                + "loading)%n", saved.tensors().size(), trained.checkpoint().getFileName(), before.accuracy());
        out.printf(Locale.ROOT, "trained  test accuracy %.4f%n", trained.testAccuracy());
        out.printf(Locale.ROOT, "reloaded test accuracy %.4f (evaluated without gradients)  %s%n",
                reloaded.accuracy(), match ? "match" : "MISMATCH");
        return match ? 0 : 1;
    }

    private boolean isCifar() {
        return switch (dataset) {
            case "mnist" -> false;
            case "cifar10" -> true;
            default -> throw new ParameterException(spec.commandLine(),
                    "resmlp: --dataset must be mnist or cifar10, got '" + dataset + "'");
        };
    }

    /** The --data folder of CIFAR-10's binary files, checked up front so a wrong path is named plainly. */
    private Path cifarDirectory() {
        Path dir = options.data;
        if (dir == null) {
            throw new ParameterException(spec.commandLine(), "resmlp: --dataset cifar10 needs --data DIR, the folder "
                    + "of CIFAR-10's binary version (cifar-10-batches-bin, holding data_batch_1.bin ... "
                    + "data_batch_5.bin and test_batch.bin); Kiln downloads nothing and ships only MNIST");
        }
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "resmlp: --data " + dir + " is not a directory; "
                    + "pass the folder of CIFAR-10's binary version (cifar-10-batches-bin)");
        }
        for (String file : new String[] {"data_batch_1.bin", "test_batch.bin"}) {
            if (!Files.exists(dir.resolve(file))) {
                throw new ParameterException(spec.commandLine(), "resmlp: --data " + dir + " has no " + file
                        + "; pass the folder of CIFAR-10's binary version (cifar-10-batches-bin), not the Python "
                        + "or MATLAB version");
            }
        }
        return dir;
    }
}
