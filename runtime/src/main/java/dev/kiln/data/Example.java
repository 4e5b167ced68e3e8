package dev.kiln.data;

import dev.kiln.tensor.Tensor;

/**
 * One (input, target) pair of a dataset: for MNIST an image [1, 28, 28] and a 0-d int64 label.
 *
 * @param input the model's input for this example
 * @param target what the model should produce (a class index, a value, ...)
 */
public record Example(Tensor input, Tensor target) {}
