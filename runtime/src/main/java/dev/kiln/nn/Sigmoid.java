package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies {@code 1 / (1 + e^-x)} element-wise: any shape to the same shape. No parameters. */
public class Sigmoid extends Module {

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.sigmoid(x);
    }
}
