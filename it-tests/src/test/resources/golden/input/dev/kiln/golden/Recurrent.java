package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * A small recurrent layer written out: a loop over the time steps of {@code x} ({@code [T, B, in]}), the
 * state carried from step to step, each step's output stored in a {@code Tensor[]} and stacked, the
 * weights read from an array, and a helper that returns two tensors.
 */
public class Recurrent extends Module {
    @Param Tensor weightIh;
    @Param Tensor weightHh;
    @Param Tensor bias;
    final boolean reverse;

    public Recurrent(int in, int hidden, boolean reverse) {
        this.reverse = reverse;
        weightIh = Tensor.full(0.1, hidden, in).requiresGrad(true);
        weightHh = Tensor.full(0.2, hidden, hidden).requiresGrad(true);
        bias = Tensor.full(0.3, hidden).requiresGrad(true);
    }

    @Forward
    public Tensor forward(Tensor x) {
        int steps = x.size(0);
        Tensor[] weights = {weightIh, weightHh};
        Tensor h = Tensor.zeros(x.dtype(), x.size(1), weightHh.size(0));
        Tensor[] perStep = new Tensor[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            Tensor[] out = step(x.select(0, t), h, weights);
            h = out[0];
            perStep[t] = out[1];
        }
        return Ops.stack(List.of(perStep), 0);
    }

    /** The next state and this step's output. */
    Tensor[] step(Tensor xt, Tensor h, Tensor[] weights) {
        Tensor state = xt.matmul(weights[0].t()).add(h.matmul(weights[1].t())).add(bias).tanh();
        return new Tensor[] {state, state.mul(2)};
    }
}
