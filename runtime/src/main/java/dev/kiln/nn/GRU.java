package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A multi-layer GRU with PyTorch's gate order (reset, update, new):
 * {@code [T, B, input_size]} ({@code [B, T, input_size]} batch-first) to {@code [T, B, D * hidden_size]};
 * {@link #forwardWithState} also takes h0 and returns h_n {@code [num_layers * D, B, hidden_size]}.
 * Parameters {@code weight_ih_l0 [3 hidden, input]}, {@code weight_hh_l0 [3 hidden, hidden]},
 * {@code bias_ih_l0}, {@code bias_hh_l0}, ... as PyTorch's (see {@link RNNBase}).
 */
public class GRU extends RNNBase {

    /** One layer with biases, time-major. */
    public GRU(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, true, false, 0, false);
    }

    /** PyTorch's arguments in PyTorch's order, from the global generator. */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
            boolean bidirectional) {
        this(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, Generator.global(),
                DType.FLOAT32);
    }

    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
            boolean bidirectional, Generator generator, DType dtype) {
        super("GRU", Cell.GRU, false, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional,
                generator, dtype);
    }

    /** The output sequence from a zero initial state; see {@link #forwardWithState} for the final state. */
    @Forward
    public Tensor forward(Tensor input) {
        return output(input, Cell.GRU);
    }

    /** The output sequence and final hidden state, from {@code h0} (null for zeros). */
    public RnnOutput forwardWithState(Tensor input, Tensor h0) {
        return run(input, h0, null);
    }
}
