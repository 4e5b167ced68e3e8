package dev.kiln.data;

import dev.kiln.tensor.Tensor;

/**
 * A mini-batch of (input, target) pairs stacked along a new first dimension: for MNIST inputs
 * [B, 1, 28, 28] float32 and targets [B] int64.
 *
 * @param input the inputs, [B, ...]
 * @param target the targets, [B, ...]
 */
public record Batch(Tensor input, Tensor target) {
    /** The number of examples in the batch. */
    public int size() {
        return input.size(0);
    }
}
