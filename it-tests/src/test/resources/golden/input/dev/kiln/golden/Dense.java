package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A toy dense layer with its own parameters. */
public class Dense extends Module {
    @Param Tensor weight;
    @Param Tensor bias;

    public Dense(int in, int out) {
        weight = Tensor.full(0.1, out, in).requiresGrad(true);
        bias = Tensor.zeros(out).requiresGrad(true);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return x.matmul(weight.t()).add(bias);
    }
}
