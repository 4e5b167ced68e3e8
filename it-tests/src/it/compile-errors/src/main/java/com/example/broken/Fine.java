package com.example.broken;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A correct module beside the broken ones: the processor still generates its structure. */
public class Fine extends Module {
    @Param Tensor scale = Tensor.ones(1).requiresGrad(true);

    @Forward
    public Tensor forward(Tensor x) {
        return x.mul(scale);
    }
}
