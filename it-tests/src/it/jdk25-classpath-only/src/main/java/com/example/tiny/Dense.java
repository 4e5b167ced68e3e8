package com.example.tiny;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A fully connected layer, {@code y = x W^T + b}, written by hand so this project needs only
 * {@code Module} and {@code Tensor}: input {@code [N, in]}, output {@code [N, out]}.
 */
public class Dense extends Module {
    @Param Tensor weight;
    @Param Tensor bias;

    public Dense(int in, int out, Generator generator) {
        double bound = 1 / Math.sqrt(in);
        weight = Tensor.rand(generator, out, in).mul(2 * bound).sub(bound).requiresGrad(true);
        bias = Tensor.zeros(out).requiresGrad(true);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return x.matmul(weight.t()).add(bias);
    }
}
