package dev.kiln.nn;

import dev.kiln.annotations.Param;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * The shared body of the sequence layers {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's
 * {@code RNNBase}): {@code num_layers} stacked layers, each running forward in time and, when
 * bidirectional, backward too, the directions' outputs concatenated. Input {@code [T, B, input_size]}
 * ({@code [B, T, input_size]} when batch-first, {@code [T, input_size]} unbatched); output
 * {@code [T, B, D * hidden_size]} (D = 2 when bidirectional) and final states
 * {@code [num_layers * D, B, hidden_size]}, returned by {@code forwardWithState}.
 *
 * <p>Parameters carry PyTorch's names so that its state dicts load: {@code weight_ih_l<k>}
 * {@code [gates * hidden, in]}, {@code weight_hh_l<k>} {@code [gates * hidden, hidden]},
 * {@code bias_ih_l<k>}, {@code bias_hh_l<k>} {@code [gates * hidden]}, with a {@code _reverse}
 * suffix for the backward direction, all U(-1/sqrt(hidden), 1/sqrt(hidden)). A state-dict key is a
 * field name, so the fields spell out layers 0 to {@value #MAX_LAYERS} - 1; the ones a configuration
 * does not use stay null and are not listed.
 */
public abstract class RNNBase extends Module {
    /** The most stacked layers a sequence layer can have (one field per parameter and layer). */
    public static final int MAX_LAYERS = 4;

    @Param Tensor weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0;
    @Param Tensor weight_ih_l0_reverse, weight_hh_l0_reverse, bias_ih_l0_reverse, bias_hh_l0_reverse;
    @Param Tensor weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1;
    @Param Tensor weight_ih_l1_reverse, weight_hh_l1_reverse, bias_ih_l1_reverse, bias_hh_l1_reverse;
    @Param Tensor weight_ih_l2, weight_hh_l2, bias_ih_l2, bias_hh_l2;
    @Param Tensor weight_ih_l2_reverse, weight_hh_l2_reverse, bias_ih_l2_reverse, bias_hh_l2_reverse;
    @Param Tensor weight_ih_l3, weight_hh_l3, bias_ih_l3, bias_hh_l3;
    @Param Tensor weight_ih_l3_reverse, weight_hh_l3_reverse, bias_ih_l3_reverse, bias_hh_l3_reverse;

    // Package-private, not private: the generated RNN_Compiled, LSTM_Compiled and GRU_Compiled read them.
    final String name;
    final Cell cell;
    /** RNN's nonlinearity: ReLU instead of tanh. */
    final boolean relu;
    final int gates;
    final int inputSize;
    final int hiddenSize;
    final int numLayers;
    final boolean batchFirst;
    final double dropout;
    final boolean bidirectional;
    final Generator generator;

    /** The cell each layer and direction runs (PyTorch's {@code mode}). */
    enum Cell {
        RNN(1), LSTM(4), GRU(3);

        /** How many gate blocks the weights stack. */
        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }
    }

    /** @param relu RNN's nonlinearity is ReLU rather than tanh (false for LSTM and GRU) */
    RNNBase(String name, Cell cell, boolean relu, int inputSize, int hiddenSize, int numLayers, boolean bias,
            boolean batchFirst, double dropout, boolean bidirectional, Generator generator, DType dtype) {
        this.name = name;
        this.cell = cell;
        this.relu = relu;
        this.gates = cell.gates;
        this.inputSize = LayerParams.positive(name, "input_size", inputSize);
        this.hiddenSize = LayerParams.positive(name, "hidden_size", hiddenSize);
        this.numLayers = LayerParams.positive(name, "num_layers", numLayers);
        if (numLayers > MAX_LAYERS) {
            throw new IllegalArgumentException(name + ": num_layers " + numLayers + " is more than the " + MAX_LAYERS
                    + " Kiln supports; stack several " + name + " modules instead");
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException(name + ": dropout must be between 0 and 1, got " + dropout);
        }
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        this.generator = generator;
        double bound = 1 / Math.sqrt(hiddenSize);
        for (int layer = 0; layer < numLayers; layer++) {
            int in = layer == 0 ? inputSize : hiddenSize * directions();
            for (int dir = 0; dir < directions(); dir++) {
                // Drawn in PyTorch's registration order: w_ih, w_hh, b_ih, b_hh per layer and direction.
                Tensor wih = LayerParams.uniform(generator, dtype, bound, gates * hiddenSize, in);
                Tensor whh = LayerParams.uniform(generator, dtype, bound, gates * hiddenSize, hiddenSize);
                Tensor bih = bias ? LayerParams.uniform(generator, dtype, bound, gates * hiddenSize) : null;
                Tensor bhh = bias ? LayerParams.uniform(generator, dtype, bound, gates * hiddenSize) : null;
                setParameters(layer, dir, new Tensor[] {wih, whh, bih, bhh});
            }
        }
    }

    /**
     * The output sequence from zero initial states: the {@code @Forward} body of the three layers, which
     * the processor compiles with {@link #layers} inlined. Each layer passes its own {@code cell} as a
     * constant, so that its compiled forward holds its own cell's step only.
     */
    final Tensor output(Tensor input, Cell cell) {
        return layers(input, null, null, null, null, cell);
    }

    /**
     * Runs the layers over {@code input} from the initial states {@code h0} (and, for LSTM, {@code c0}),
     * each {@code [num_layers * D, B, hidden_size]} ({@code [num_layers * D, hidden_size]} unbatched) or
     * null for zeros.
     */
    final RnnOutput run(Tensor input, Tensor h0, Tensor c0) {
        Tensor[] hN = new Tensor[numLayers * directions()];
        Tensor[] cN = new Tensor[numLayers * directions()];
        Tensor output = layers(input, h0, c0, hN, cN, cell);
        Tensor hOut = Ops.stack(List.of(hN), 0);
        Tensor cOut = cell == Cell.LSTM ? Ops.stack(List.of(cN), 0) : null;
        if (input.dim() != 3) {
            hOut = hOut.squeeze(1);
            cOut = cOut == null ? null : cOut.squeeze(1);
        }
        return new RnnOutput(output, hOut, cOut);
    }

    /**
     * The layers over {@code input} from {@code h0} and {@code c0} (null for zeros): returns the output
     * sequence and, unless they are null, puts each layer and direction's final states, {@code [B, hidden]},
     * into {@code hN} and {@code cN} (the cell states for LSTM, null elements otherwise), in the order layer 0
     * forward, layer 0 reverse, layer 1 forward, ...
     * {@code cell} is this layer's {@link #cell}.
     */
    final Tensor layers(Tensor input, Tensor h0, Tensor c0, Tensor[] hN, Tensor[] cN, Cell cell) {
        if ((input.dim() != 2 && input.dim() != 3) || input.size(-1) != inputSize) {
            throw new ShapeException(name + ": input of shape " + Shapes.str(input.shape()) + " must be "
                    + (batchFirst ? "[B, T, " : "[T, B, ") + inputSize + "] or unbatched [T, " + inputSize + "]");
        }
        boolean batched = input.dim() == 3;
        Tensor x = !batched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
        int steps = x.size(0);
        int batch = x.size(1);
        int directions = bidirectional ? 2 : 1;
        int[] stateShape = batched ? new int[] {numLayers * directions, batch, hiddenSize}
                : new int[] {numLayers * directions, hiddenSize};
        Tensor h = batchState(Recurrence.stateOrZeros(name, "h0", h0, input, stateShape), batched);
        Tensor c = cell == Cell.LSTM
                ? batchState(Recurrence.stateOrZeros(name, "c0", c0, input, stateShape), batched) : null;
        // PyTorch's _flat_weights: w_ih, w_hh, b_ih, b_hh for each layer and direction (unused ones null).
        Tensor[] weights = {
            weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0,
            weight_ih_l0_reverse, weight_hh_l0_reverse, bias_ih_l0_reverse, bias_hh_l0_reverse,
            weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1,
            weight_ih_l1_reverse, weight_hh_l1_reverse, bias_ih_l1_reverse, bias_hh_l1_reverse,
            weight_ih_l2, weight_hh_l2, bias_ih_l2, bias_hh_l2,
            weight_ih_l2_reverse, weight_hh_l2_reverse, bias_ih_l2_reverse, bias_hh_l2_reverse,
            weight_ih_l3, weight_hh_l3, bias_ih_l3, bias_hh_l3,
            weight_ih_l3_reverse, weight_hh_l3_reverse, bias_ih_l3_reverse, bias_hh_l3_reverse
        };
        Tensor layerInput = x;
        for (int layer = 0; layer < numLayers; layer++) {
            Tensor[] outputs = new Tensor[directions];
            for (int dir = 0; dir < directions; dir++) {
                int k = layer * directions + dir;
                int first = 4 * (2 * layer + dir);
                Tensor wih = weights[first];
                Tensor whh = weights[first + 1];
                Tensor bih = weights[first + 2];
                Tensor bhh = weights[first + 3];
                // Every time step's input projection in one matrix product; only h W_hh^T is left per step.
                Tensor gi = F.linear(layerInput.reshape(steps * batch, layerInput.size(2)), wih, bih)
                        .reshape(steps, batch, gates * hiddenSize);
                Tensor hk = h.select(0, k);
                Tensor ck = c == null ? null : c.select(0, k);
                Tensor[] perStep = new Tensor[steps];
                for (int s = 0; s < steps; s++) {
                    int t = dir == 0 ? s : steps - 1 - s;
                    Tensor git = gi.select(0, t);
                    if (cell == Cell.LSTM) {
                        Tensor[] state = Recurrence.lstm(git, hk, ck, whh, bhh);
                        hk = state[0];
                        ck = state[1];
                    } else if (cell == Cell.GRU) {
                        hk = Recurrence.gru(git, hk, whh, bhh);
                    } else {
                        hk = Recurrence.rnn(git, hk, whh, bhh, relu);
                    }
                    perStep[t] = hk;
                }
                outputs[dir] = Ops.stack(List.of(perStep), 0);
                if (hN != null) {
                    hN[k] = hk;
                    cN[k] = ck;
                }
            }
            layerInput = bidirectional ? Ops.concat(List.of(outputs), 2) : outputs[0];
            if (dropout > 0 && layer < numLayers - 1) {
                layerInput = F.dropout(layerInput, dropout, isTraining(), generator);
            }
        }
        return !batched ? layerInput.squeeze(1) : batchFirst ? layerInput.transpose(0, 1) : layerInput;
    }

    private static Tensor batchState(Tensor state, boolean batched) {
        return batched ? state : state.unsqueeze(1);
    }

    /** {w_ih, w_hh, b_ih, b_hh} of one layer and direction (0 forward, 1 reverse); biases may be null. */
    final Tensor[] parameters(int layer, int direction) {
        return switch (layer * 2 + direction) {
            case 0 -> new Tensor[] {weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0};
            case 1 -> new Tensor[] {weight_ih_l0_reverse, weight_hh_l0_reverse, bias_ih_l0_reverse, bias_hh_l0_reverse};
            case 2 -> new Tensor[] {weight_ih_l1, weight_hh_l1, bias_ih_l1, bias_hh_l1};
            case 3 -> new Tensor[] {weight_ih_l1_reverse, weight_hh_l1_reverse, bias_ih_l1_reverse, bias_hh_l1_reverse};
            case 4 -> new Tensor[] {weight_ih_l2, weight_hh_l2, bias_ih_l2, bias_hh_l2};
            case 5 -> new Tensor[] {weight_ih_l2_reverse, weight_hh_l2_reverse, bias_ih_l2_reverse, bias_hh_l2_reverse};
            case 6 -> new Tensor[] {weight_ih_l3, weight_hh_l3, bias_ih_l3, bias_hh_l3};
            case 7 -> new Tensor[] {weight_ih_l3_reverse, weight_hh_l3_reverse, bias_ih_l3_reverse, bias_hh_l3_reverse};
            default -> throw new IllegalArgumentException(name + ": no layer " + layer + ", direction " + direction);
        };
    }

    private void setParameters(int layer, int direction, Tensor[] p) {
        switch (layer * 2 + direction) {
            case 0 -> {
                weight_ih_l0 = p[0];
                weight_hh_l0 = p[1];
                bias_ih_l0 = p[2];
                bias_hh_l0 = p[3];
            }
            case 1 -> {
                weight_ih_l0_reverse = p[0];
                weight_hh_l0_reverse = p[1];
                bias_ih_l0_reverse = p[2];
                bias_hh_l0_reverse = p[3];
            }
            case 2 -> {
                weight_ih_l1 = p[0];
                weight_hh_l1 = p[1];
                bias_ih_l1 = p[2];
                bias_hh_l1 = p[3];
            }
            case 3 -> {
                weight_ih_l1_reverse = p[0];
                weight_hh_l1_reverse = p[1];
                bias_ih_l1_reverse = p[2];
                bias_hh_l1_reverse = p[3];
            }
            case 4 -> {
                weight_ih_l2 = p[0];
                weight_hh_l2 = p[1];
                bias_ih_l2 = p[2];
                bias_hh_l2 = p[3];
            }
            case 5 -> {
                weight_ih_l2_reverse = p[0];
                weight_hh_l2_reverse = p[1];
                bias_ih_l2_reverse = p[2];
                bias_hh_l2_reverse = p[3];
            }
            case 6 -> {
                weight_ih_l3 = p[0];
                weight_hh_l3 = p[1];
                bias_ih_l3 = p[2];
                bias_hh_l3 = p[3];
            }
            case 7 -> {
                weight_ih_l3_reverse = p[0];
                weight_hh_l3_reverse = p[1];
                bias_ih_l3_reverse = p[2];
                bias_hh_l3_reverse = p[3];
            }
            default -> throw new IllegalArgumentException(name + ": no layer " + layer + ", direction " + direction);
        }
    }

    /** {@code weight_ih_l<layer>} (or its {@code _reverse}): {@code [gates * hidden, in]}. */
    public Tensor weightIh(int layer, boolean reverse) {
        return parameters(checkLayer(layer, reverse), reverse ? 1 : 0)[0];
    }

    /** {@code weight_hh_l<layer>} (or its {@code _reverse}): {@code [gates * hidden, hidden]}. */
    public Tensor weightHh(int layer, boolean reverse) {
        return parameters(checkLayer(layer, reverse), reverse ? 1 : 0)[1];
    }

    /** {@code bias_ih_l<layer>} (or its {@code _reverse}), or null without biases. */
    public Tensor biasIh(int layer, boolean reverse) {
        return parameters(checkLayer(layer, reverse), reverse ? 1 : 0)[2];
    }

    /** {@code bias_hh_l<layer>} (or its {@code _reverse}), or null without biases. */
    public Tensor biasHh(int layer, boolean reverse) {
        return parameters(checkLayer(layer, reverse), reverse ? 1 : 0)[3];
    }

    private int checkLayer(int layer, boolean reverse) {
        if (layer < 0 || layer >= numLayers || reverse && !bidirectional) {
            throw new IllegalArgumentException(name + ": has " + numLayers + (bidirectional ? " bidirectional" : "")
                    + " layers, no layer " + layer + (reverse ? " (reverse)" : ""));
        }
        return layer;
    }

    int directions() {
        return bidirectional ? 2 : 1;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    public boolean isBidirectional() {
        return bidirectional;
    }

    public boolean isBatchFirst() {
        return batchFirst;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (numLayers != 1) {
            s.append(", num_layers=").append(numLayers);
        }
        if (bias_ih_l0 == null) {
            s.append(", bias=False");
        }
        if (batchFirst) {
            s.append(", batch_first=True");
        }
        if (dropout != 0) {
            s.append(", dropout=").append(dropout);
        }
        if (bidirectional) {
            s.append(", bidirectional=True");
        }
        return s.toString();
    }
}
