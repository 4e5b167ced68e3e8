package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * One GRU step with PyTorch's gate order (reset, update, new): input {@code [batch, input_size]} (or
 * {@code [input_size]}) and hidden state {@code [batch, hidden_size]} (zeros when null) to the next
 * hidden state {@code [batch, hidden_size]}. Parameters {@code weight_ih [3 hidden, input]},
 * {@code weight_hh [3 hidden, hidden]}, {@code bias_ih}, {@code bias_hh [3 hidden]}, all
 * U(-1/sqrt(hidden), 1/sqrt(hidden)).
 */
public class GRUCell extends Module {
    @Param Tensor weight_ih;
    @Param Tensor weight_hh;
    @Param Tensor bias_ih;
    @Param Tensor bias_hh;
    // Package-private, not private: the generated GRUCell_Compiled reads them.
    final int inputSize;
    final int hiddenSize;

    public GRUCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.global(), DType.FLOAT32);
    }

    public GRUCell(int inputSize, int hiddenSize, boolean bias, Generator generator, DType dtype) {
        this.inputSize = LayerParams.positive("GRUCell", "input_size", inputSize);
        this.hiddenSize = LayerParams.positive("GRUCell", "hidden_size", hiddenSize);
        double bound = 1 / Math.sqrt(hiddenSize);
        weight_ih = LayerParams.uniform(generator, dtype, bound, 3 * hiddenSize, inputSize);
        weight_hh = LayerParams.uniform(generator, dtype, bound, 3 * hiddenSize, hiddenSize);
        if (bias) {
            bias_ih = LayerParams.uniform(generator, dtype, bound, 3 * hiddenSize);
            bias_hh = LayerParams.uniform(generator, dtype, bound, 3 * hiddenSize);
        }
    }

    /** {@code [batch, input_size]} to {@code [batch, hidden_size]}, from a zero hidden state. */
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /** {@code [batch, input_size]} and {@code [batch, hidden_size]} (null for zeros) to {@code [batch, hidden_size]}. */
    @Forward
    public Tensor forward(Tensor input, Tensor hx) {
        Tensor h = Recurrence.stateOrZeros("GRUCell", "hx", hx, input,
                RNNCell.cellStateShape("GRUCell", input, inputSize, hiddenSize));
        return Recurrence.gru(F.linear(input, weight_ih, bias_ih), h, weight_hh, bias_hh);
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (bias_ih == null ? ", bias=False" : "");
    }
}
