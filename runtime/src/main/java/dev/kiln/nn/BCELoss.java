package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/** Binary cross-entropy of probabilities in [0, 1] and targets of the same shape: a 0-d loss, or the input's shape with {@code Reduction.NONE}. No parameters. */
public class BCELoss extends Module {
    // Package-private, not private: the generated BCELoss_Compiled reads it.
    final Reduction reduction;

    /** The mean loss. */
    public BCELoss() {
        this(Reduction.MEAN);
    }

    public BCELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Input and target to the loss. */
    @Forward
    public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropy(input, target, null, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT);
    }
}
