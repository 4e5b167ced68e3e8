package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * One LSTM step with PyTorch's gate order (input, forget, cell, output): input
 * {@code [batch, input_size]} (or {@code [input_size]}) and state {@code h, c [batch, hidden_size]}
 * (zeros when null) to the next {@link State}. Parameters {@code weight_ih [4 hidden, input]},
 * {@code weight_hh [4 hidden, hidden]}, {@code bias_ih}, {@code bias_hh [4 hidden]}, all
 * U(-1/sqrt(hidden), 1/sqrt(hidden)).
 */
public class LSTMCell extends Module {
    @Param Tensor weight_ih;
    @Param Tensor weight_hh;
    @Param Tensor bias_ih;
    @Param Tensor bias_hh;
    // Package-private, not private: the generated LSTMCell_Compiled reads them.
    final int inputSize;
    final int hiddenSize;

    /** The hidden and cell state after a step, each {@code [batch, hidden_size]} (PyTorch's {@code (h_1, c_1)}). */
    public record State(Tensor h, Tensor c) {}

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.global(), DType.FLOAT32);
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator generator, DType dtype) {
        this.inputSize = LayerParams.positive("LSTMCell", "input_size", inputSize);
        this.hiddenSize = LayerParams.positive("LSTMCell", "hidden_size", hiddenSize);
        double bound = 1 / Math.sqrt(hiddenSize);
        weight_ih = LayerParams.uniform(generator, dtype, bound, 4 * hiddenSize, inputSize);
        weight_hh = LayerParams.uniform(generator, dtype, bound, 4 * hiddenSize, hiddenSize);
        if (bias) {
            bias_ih = LayerParams.uniform(generator, dtype, bound, 4 * hiddenSize);
            bias_hh = LayerParams.uniform(generator, dtype, bound, 4 * hiddenSize);
        }
    }

    /** A step from zero state. */
    public State forward(Tensor input) {
        return forward(input, null, null);
    }

    /** {@code [batch, input_size]}, h and c {@code [batch, hidden_size]} (null for zeros) to the next state. */
    @Forward
    public State forward(Tensor input, Tensor hx, Tensor cx) {
        int[] shape = RNNCell.cellStateShape("LSTMCell", input, inputSize, hiddenSize);
        Tensor h = Recurrence.stateOrZeros("LSTMCell", "hx", hx, input, shape);
        Tensor c = Recurrence.stateOrZeros("LSTMCell", "cx", cx, input, shape);
        Tensor[] next = Recurrence.lstm(F.linear(input, weight_ih, bias_ih), h, c, weight_hh, bias_hh);
        return new State(next[0], next[1]);
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (bias_ih == null ? ", bias=False" : "");
    }
}
