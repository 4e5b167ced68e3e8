package com.example.inc;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A model class that is deleted before the third build: output of the input's shape. */
public class Extra extends Module {
    @Param Tensor scale = Tensor.ones(1).requiresGrad(true);

    @Forward
    public Tensor forward(Tensor x) {
        return x.mul(scale);
    }
}
