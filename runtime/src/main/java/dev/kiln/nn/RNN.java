package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A multi-layer Elman RNN, {@code h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh)} (or ReLU):
 * {@code [T, B, input_size]} ({@code [B, T, input_size]} batch-first) to {@code [T, B, D * hidden_size]};
 * {@link #forwardWithState} also takes h0 and returns h_n {@code [num_layers * D, B, hidden_size]}.
 * Parameters {@code weight_ih_l0 [hidden, input]}, {@code weight_hh_l0}, {@code bias_ih_l0},
 * {@code bias_hh_l0}, ... as PyTorch's (see {@link RNNBase}).
 */
public class RNN extends RNNBase {

    /** One tanh layer with biases, time-major. */
    public RNN(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, "tanh", true, false, 0, false);
    }

    /** PyTorch's arguments in PyTorch's order, from the global generator. */
    public RNN(int inputSize, int hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst,
            double dropout, boolean bidirectional) {
        this(inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional,
                Generator.global(), DType.FLOAT32);
    }

    /** @param nonlinearity "tanh" or "relu" */
    public RNN(int inputSize, int hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst,
            double dropout, boolean bidirectional, Generator generator, DType dtype) {
        super("RNN", Cell.RNN, isRelu("RNN", nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst,
                dropout, bidirectional, generator, dtype);
    }

    static boolean isRelu(String layer, String nonlinearity) {
        if (!"tanh".equals(nonlinearity) && !"relu".equals(nonlinearity)) {
            throw new IllegalArgumentException(layer + ": nonlinearity must be \"tanh\" or \"relu\", got \""
                    + nonlinearity + "\"");
        }
        return "relu".equals(nonlinearity);
    }

    /** The output sequence from zero initial state; see {@link #forwardWithState} for the final state. */
    @Forward
    public Tensor forward(Tensor input) {
        return output(input, Cell.RNN);
    }

    /** The output sequence and final hidden state, from {@code h0} (null for zeros). */
    public RnnOutput forwardWithState(Tensor input, Tensor h0) {
        return run(input, h0, null);
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + (relu ? ", nonlinearity=relu" : "");
    }
}
