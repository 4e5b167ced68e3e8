package dev.kiln.examples;

import dev.kiln.data.TensorDataset;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.SequenceClassifier;
import dev.kiln.examples.models.SequenceClassifier.Cell;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Generator;
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
 * A recurrent sequence classifier on MNIST read row by row: each image {@code [1, 28, 28]} is 28 time
 * steps of 28 pixels, batch-first {@code [N, 28, 28]}, and a linear head on the final hidden state gives
 * logits {@code [N, 10]}; the cell is an LSTM, a bidirectional LSTM, an Elman RNN or a GRU.
 */
@Command(name = "lstm", mixinStandardHelpOptions = true,
        description = "A sequence classifier on MNIST read row by row (28 steps of 28 pixels): LSTM, bidirectional "
                + "LSTM, RNN or GRU, a linear head on the final state; prints the test accuracy, writes "
                + "model.safetensors, metrics.csv and curves.png. Default: 10 epochs, Adam lr 2e-3.")
public final class LstmCommand implements Callable<Integer> {
    private static final int ROW = 28;
    private static final int CLASSES = 10;

    @Mixin
    TrainingOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--cell", defaultValue = "lstm", paramLabel = "CELL",
            description = "lstm, bilstm (bidirectional LSTM), rnn (Elman, tanh) or gru (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden size per direction (default: ${DEFAULT-VALUE})")
    int hidden;

    @Override
    public Integer call() {
        Cell kind = parseCell();
        Path dir = MnistData.directory(options.data);
        TensorDataset train = MnistData.train(dir, false);
        TensorDataset test = MnistData.test(dir, false);
        SequenceClassifier net = new SequenceClassifier(kind, ROW, hidden, CLASSES, new Generator(options.seed));
        double lr = options.lr != null ? options.lr : 2e-3;
        int epochs = options.epochs != null ? options.epochs : 10;
        Adam adam = new Adam(net.parameters(), Adam.options().lr(lr));
        ExampleRun.train(kind.cliName(), net, adam, F::crossEntropy, train, test, epochs, options, System.out);
        return 0;
    }

    private Cell parseCell() {
        for (Cell c : Cell.values()) {
            if (c.cliName().equals(cell.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new ParameterException(spec.commandLine(), "lstm: --cell must be lstm, bilstm, rnn or gru, got '"
                + cell + "'");
    }
}
