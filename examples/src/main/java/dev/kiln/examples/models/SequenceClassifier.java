package dev.kiln.examples.models;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.GRU;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.RNN;
import dev.kiln.nn.RNNBase;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * A sequence classifier: a one-layer, batch-first recurrent layer (LSTM, bidirectional LSTM, Elman RNN
 * or GRU) over the rows of the input, and a linear head on its final hidden state (for the
 * bidirectional LSTM, the forward direction's state after the last step concatenated with the reverse
 * direction's after the first). Input {@code [N, T, features]} ({@code [N, 1, T, features]} images or
 * {@code [N, T·features]} are read row by row: MNIST is 28 steps of 28 pixels); output
 * {@code [N, classes]} logits. Keys {@code rnn.weight_ih_l0}, ... (PyTorch's) and {@code head.*}.
 */
public class SequenceClassifier extends Module {
    /** The recurrent cell the classifier runs. */
    public enum Cell {
        LSTM, BILSTM, RNN, GRU;

        /** The name used on the command line: lstm, bilstm, rnn, gru. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Layer RNNBase rnn;
    @Layer Linear head;
    // Package-private, not private: the generated SequenceClassifier_Compiled reads them.
    final int features;
    final int hidden;
    final boolean bidirectional;

    /**
     * @param features the size of one time step (28 for MNIST rows)
     * @param hidden the recurrent layer's hidden size (per direction)
     */
    public SequenceClassifier(Cell cell, int features, int hidden, int classes, Generator generator) {
        this.features = features;
        this.hidden = hidden;
        this.bidirectional = cell == Cell.BILSTM;
        rnn = switch (cell) {
            case LSTM -> new LSTM(features, hidden, 1, true, true, 0, false, generator, DType.FLOAT32);
            case BILSTM -> new LSTM(features, hidden, 1, true, true, 0, true, generator, DType.FLOAT32);
            case RNN -> new RNN(features, hidden, 1, "tanh", true, true, 0, false, generator, DType.FLOAT32);
            case GRU -> new GRU(features, hidden, 1, true, true, 0, false, generator, DType.FLOAT32);
        };
        head = new Linear((bidirectional ? 2 : 1) * hidden, classes, true, generator, DType.FLOAT32);
    }

    /** {@code [N, T, features]} (or images / flat rows of T·features) to {@code [N, classes]}. */
    @Forward
    public Tensor forward(Tensor x) {
        Tensor steps = sequence(x);
        // The batch-first output [N, T, D·hidden] holds the final states: the forward direction's
        // after the last step, and the reverse direction's after the first.
        Tensor out = rnn.apply(steps);
        int last = out.size(1) - 1;
        Tensor state = out.select(1, last);
        if (bidirectional) {
            Tensor forwardLast = state.slice(1, 0, hidden);
            Tensor reverseFirst = out.select(1, 0).slice(1, hidden, 2 * hidden);
            state = Ops.concat(List.of(forwardLast, reverseFirst), 1);
        }
        return head.forward(state);
    }

    /** The input as batch-first steps, {@code [N, T, features]}. */
    Tensor sequence(Tensor x) {
        if (x.dim() == 3 && x.size(2) == features) {
            return x;
        }
        int perExample = x.dim() < 2 || x.size(0) == 0 ? 0 : x.numel() / x.size(0);
        if (perExample == 0 || perExample % features != 0) {
            throw new ShapeException("SequenceClassifier: input of shape " + Shapes.str(x.shape())
                    + " cannot be read as [N, T, " + features + "] (rows of " + features + " features)");
        }
        return x.reshape(x.size(0), perExample / features, features);
    }
}
