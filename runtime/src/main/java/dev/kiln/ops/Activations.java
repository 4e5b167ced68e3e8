package dev.kiln.ops;

import dev.kiln.tensor.Tensor;

/** Activations composed from the primitive ops (their backward is the composition's). */
final class Activations {
    private Activations() {}

    /** {@code x} where positive, {@code slope * x} elsewhere; the gradient at 0 is {@code slope}, as in PyTorch. */
    static Tensor leakyRelu(Tensor x, double slope) {
        return Ops.where(Elementwise.positive(x), x, x.mul(slope));
    }
}
