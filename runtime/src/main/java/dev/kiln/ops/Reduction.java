package dev.kiln.ops;

/**
 * How a loss combines its per-element values, as PyTorch's {@code reduction=} argument: the mean
 * (the default everywhere), the sum, or none (the per-element losses, shaped like the target).
 */
public enum Reduction {
    /** The average loss; cross-entropy and NLL with class weights divide by the total weight instead. */
    MEAN,
    /** The summed loss. */
    SUM,
    /** The unreduced per-element (per-sample, for cross-entropy and NLL) losses. */
    NONE
}
