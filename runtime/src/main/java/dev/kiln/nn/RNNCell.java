package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;

/**
 * One step of an Elman RNN, {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)} (or ReLU): input
 * {@code [batch, input_size]} (or {@code [input_size]}) and hidden state {@code [batch, hidden_size]}
 * (zeros when null) to the next hidden state {@code [batch, hidden_size]}. Parameters
 * {@code weight_ih [hidden, input]}, {@code weight_hh [hidden, hidden]}, {@code bias_ih},
 * {@code bias_hh [hidden]}, all U(-1/sqrt(hidden), 1/sqrt(hidden)) as in PyTorch.
 */
public class RNNCell extends Module {
    @Param Tensor weight_ih;
    @Param Tensor weight_hh;
    @Param Tensor bias_ih;
    @Param Tensor bias_hh;
    // Package-private, not private: the generated RNNCell_Compiled reads them.
    final int inputSize;
    final int hiddenSize;
    final boolean relu;

    /** A tanh cell with biases. */
    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, "tanh", Generator.global(), DType.FLOAT32);
    }

    /** @param nonlinearity "tanh" or "relu" */
    public RNNCell(int inputSize, int hiddenSize, boolean bias, String nonlinearity, Generator generator, DType dtype) {
        this.inputSize = LayerParams.positive("RNNCell", "input_size", inputSize);
        this.hiddenSize = LayerParams.positive("RNNCell", "hidden_size", hiddenSize);
        this.relu = RNN.isRelu("RNNCell", nonlinearity);
        double bound = 1 / Math.sqrt(hiddenSize);
        weight_ih = LayerParams.uniform(generator, dtype, bound, hiddenSize, inputSize);
        weight_hh = LayerParams.uniform(generator, dtype, bound, hiddenSize, hiddenSize);
        if (bias) {
            bias_ih = LayerParams.uniform(generator, dtype, bound, hiddenSize);
            bias_hh = LayerParams.uniform(generator, dtype, bound, hiddenSize);
        }
    }

    /** {@code [batch, input_size]} to {@code [batch, hidden_size]}, from a zero hidden state. */
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /** {@code [batch, input_size]} and {@code [batch, hidden_size]} (null for zeros) to {@code [batch, hidden_size]}. */
    @Forward
    public Tensor forward(Tensor input, Tensor hx) {
        Tensor h = Recurrence.stateOrZeros("RNNCell", "hx", hx, input,
                cellStateShape("RNNCell", input, inputSize, hiddenSize));
        return Recurrence.rnn(F.linear(input, weight_ih, bias_ih), h, weight_hh, bias_hh, relu);
    }

    /** {@code [batch, hidden]} for a {@code [batch, input]} input, {@code [hidden]} for {@code [input]}. */
    static int[] cellStateShape(String cell, Tensor input, int inputSize, int hiddenSize) {
        if ((input.dim() != 1 && input.dim() != 2) || input.size(-1) != inputSize) {
            throw new ShapeException(cell + ": input of shape " + java.util.Arrays.toString(input.shape())
                    + " must be [batch, " + inputSize + "] or [" + inputSize + "]");
        }
        return input.dim() == 2 ? new int[] {input.size(0), hiddenSize} : new int[] {hiddenSize};
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (bias_ih == null ? ", bias=False" : "") + (relu ? ", nonlinearity=relu" : "");
    }
}
