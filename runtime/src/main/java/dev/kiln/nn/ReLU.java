package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies {@code max(x, 0)} element-wise: any shape to the same shape. No parameters. */
public class ReLU extends Module {

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.relu(x);
    }
}
