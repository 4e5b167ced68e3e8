package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies the exact (erf) GELU, {@code x * Phi(x)}, element-wise (PyTorch's default approximation='none'): any shape to the same shape. No parameters. */
public class GELU extends Module {

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.gelu(x);
    }
}
