package dev.kiln.golden;

import dev.kiln.tensor.Tensor;

/** Helpers of the golden modules' package, which the compiled forwards inline. */
final class Gates {
    private Gates() {}

    /** {@code state}, or zeros of {@code shape} when the caller passed none. */
    static Tensor stateOrZeros(Tensor state, Tensor like, int[] shape) {
        if (state == null) {
            return Tensor.zeros(like.dtype(), shape);
        }
        return state;
    }

    static Tensor gate(Tensor pre, boolean relu) {
        return relu ? pre.relu() : pre.sigmoid();
    }
}
