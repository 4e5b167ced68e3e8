package dev.kiln.train;

import dev.kiln.tensor.Tensor;

/** A loss of the model's output and the batch's target, reduced to a scalar: {@code F::crossEntropy}. */
@FunctionalInterface
public interface LossFunction {
    Tensor apply(Tensor output, Tensor target);
}
