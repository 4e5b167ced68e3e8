package dev.kiln.nn;

import dev.kiln.nn.functional.F;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * One time step of the three recurrent cells, shared by the cells and the sequence layers. Each step
 * receives the input's projection {@code gi = x W_ih^T + b_ih} already computed (a sequence layer
 * projects every time step in one matrix product) and adds the hidden state's, with PyTorch's gate
 * order: i, f, g, o for LSTM and r, z, n for GRU.
 */
final class Recurrence {
    private Recurrence() {}

    /** Elman RNN: {@code h' = act(gi + h W_hh^T + b_hh)} with tanh or ReLU. */
    static Tensor rnn(Tensor gi, Tensor h, Tensor whh, Tensor bhh, boolean relu) {
        Tensor pre = gi.add(F.linear(h, whh, bhh));
        return relu ? pre.relu() : pre.tanh();
    }

    /**
     * LSTM: {@code i, f, g, o = split(gi + h W_hh^T + b_hh)}; {@code c' = sigmoid(f) c + sigmoid(i) tanh(g)};
     * {@code h' = sigmoid(o) tanh(c')}. Returns {h', c'}.
     */
    static Tensor[] lstm(Tensor gi, Tensor h, Tensor c, Tensor whh, Tensor bhh) {
        int hidden = h.size(-1);
        Tensor gates = gi.add(F.linear(h, whh, bhh));
        Tensor i = chunk(gates, 0, hidden).sigmoid();
        Tensor f = chunk(gates, 1, hidden).sigmoid();
        Tensor g = chunk(gates, 2, hidden).tanh();
        Tensor o = chunk(gates, 3, hidden).sigmoid();
        Tensor cNext = f.mul(c).add(i.mul(g));
        return new Tensor[] {o.mul(cNext.tanh()), cNext};
    }

    /**
     * GRU: {@code r = sigmoid(gi_r + gh_r)}, {@code z = sigmoid(gi_z + gh_z)},
     * {@code n = tanh(gi_n + r * gh_n)}, {@code h' = (1 - z) n + z h}, where {@code gh = h W_hh^T + b_hh}.
     */
    static Tensor gru(Tensor gi, Tensor h, Tensor whh, Tensor bhh) {
        int hidden = h.size(-1);
        Tensor gh = F.linear(h, whh, bhh);
        Tensor r = chunk(gi, 0, hidden).add(chunk(gh, 0, hidden)).sigmoid();
        Tensor z = chunk(gi, 1, hidden).add(chunk(gh, 1, hidden)).sigmoid();
        Tensor n = chunk(gi, 2, hidden).add(r.mul(chunk(gh, 2, hidden))).tanh();
        return n.add(z.mul(h.sub(n)));
    }

    /** Gate {@code k} of a {@code [..., gates * hidden]} tensor (a view). */
    private static Tensor chunk(Tensor t, int k, int hidden) {
        return t.slice(-1, k * hidden, (k + 1) * hidden);
    }

    /**
     * The state {@code state} ({@code [batch, hidden]}, or {@code [hidden]} for an unbatched input), or
     * zeros when it is null; checked against the expected shape.
     */
    static Tensor stateOrZeros(String layer, String name, Tensor state, Tensor like, int[] expected) {
        if (state == null) {
            return Tensor.zeros(like.dtype(), expected);
        }
        if (!state.hasShape(expected)) {
            throw new ShapeException(layer + ": " + name + " of shape " + Shapes.str(state.shape()) + " must be "
                    + Shapes.str(expected));
        }
        return state;
    }
}
