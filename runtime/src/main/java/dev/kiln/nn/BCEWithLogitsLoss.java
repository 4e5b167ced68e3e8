package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/** Binary cross-entropy of logits and targets of the same shape, computed stably: a 0-d loss, or the input's shape with {@code Reduction.NONE}. No parameters. */
public class BCEWithLogitsLoss extends Module {
    // Package-private, not private: the generated BCEWithLogitsLoss_Compiled reads it.
    final Reduction reduction;

    /** The mean loss. */
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    public BCEWithLogitsLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Input and target to the loss. */
    @Forward
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropyWithLogits(input, target, null, null, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT);
    }
}
