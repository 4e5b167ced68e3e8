package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies the hyperbolic tangent element-wise: any shape to the same shape. No parameters. */
public class Tanh extends Module {

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.tanh(x);
    }
}
