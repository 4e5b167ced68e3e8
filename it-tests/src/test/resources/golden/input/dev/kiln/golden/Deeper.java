package dev.kiln.golden;

import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;

/** A subclass that adds a field and inherits @Forward. */
public class Deeper extends Derived {
    @Param Tensor extra = Tensor.zeros(3).requiresGrad(true);
}
