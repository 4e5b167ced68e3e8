package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.tensor.Tensor;

/** Returns its input unchanged (any shape): a placeholder, e.g. for a skipped block. No parameters. */
public class Identity extends Module {

    /** Any shape to the same tensor. */
    @Forward
    public Tensor forward(Tensor x) {
        return x;
    }
}
