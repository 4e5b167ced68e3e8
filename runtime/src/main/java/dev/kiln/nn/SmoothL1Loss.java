package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/**
 * Smooth L1 (Huber-like) loss of an input and a target of the same shape: {@code 0.5 d^2 / beta} below
 * {@code beta}, {@code |d| - 0.5 beta} above; a 0-d loss, or the input's shape with {@code Reduction.NONE}.
 * No parameters.
 */
public class SmoothL1Loss extends Module {
    // Package-private, not private: the generated SmoothL1Loss_Compiled reads them.
    final Reduction reduction;
    final double beta;

    /** The mean loss with beta 1. */
    public SmoothL1Loss() {
        this(Reduction.MEAN, 1.0);
    }

    public SmoothL1Loss(Reduction reduction, double beta) {
        this.reduction = reduction;
        this.beta = beta;
    }

    /** Input and target to the loss. */
    @Forward
    public Tensor forward(Tensor input, Tensor target) {
        return F.smoothL1Loss(input, target, reduction, beta);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + beta;
    }
}
