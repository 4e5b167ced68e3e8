package dev.kiln.golden;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** An abstract module: fields, and no @Forward (left to subclasses). */
public abstract class Base extends Module {
    @Param Tensor gain = Tensor.ones(1).requiresGrad(true);
    @Buffer Tensor calls = Tensor.zeros(1);
}
