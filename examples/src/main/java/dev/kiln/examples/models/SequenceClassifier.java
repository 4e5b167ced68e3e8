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
    private final int features;

    /**
     * @param features the size of one time step (28 for MNIST rows)
     * @param hidden the recurrent layer's hidden size (per direction)
     */
    public SequenceClassifier(Cell cell, int features, int hidden, int classes, Generator generator) {
        this.features = features;
        rnn = switch (cell) {
            case LSTM -> new LSTM(features, hidden, 1, true, true, 0, false, generator, DType.FLOAT32);
            case BILSTM -> new LSTM(features, hidden, 1, true, true, 0, true, generator, DType.FLOAT32);
            case RNN -> new RNN(features, hidden, 1, "tanh", true, true, 0, false, generator, DType.FLOAT32);
            case GRU -> new GRU(features, hidden, 1, true, true, 0, false, generator, DType.FLOAT32);
        };
        int directions = cell == Cell.BILSTM ? 2 : 1;
        head = new Linear(directions * hidden, classes, true, generator, DType.FLOAT32);
    }

    /** {@code [N, T, features]} (or images / flat rows of T·features) to {@code [N, classes]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return head.forward(finalState(sequence(x)));
    }

    /** The input as batch-first steps, {@code [N, T, features]}. */
    private Tensor sequence(Tensor x) {
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

    /** h_n of the recurrent layer as {@code [N, D·hidden]}, directions concatenated forward first. */
    private Tensor finalState(Tensor steps) {
        Tensor hN;
        if (rnn instanceof LSTM lstm) {
            hN = lstm.forwardWithState(steps, null, null).hN();
        } else if (rnn instanceof GRU gru) {
            hN = gru.forwardWithState(steps, null).hN();
        } else {
            hN = ((RNN) rnn).forwardWithState(steps, null).hN();
        }
        // h_n is [layers·D, N, hidden]; with one layer its rows are the forward and (bidirectional) reverse states.
        return hN.size(0) == 1 ? hN.select(0, 0) : Ops.concat(List.of(hN.select(0, 0), hN.select(0, 1)), 1);
    }
}
