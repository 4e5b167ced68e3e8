package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/** Negative log-likelihood of log-probabilities {@code [N, C]} at INT64 class indices {@code [N]}: a 0-d loss, or {@code [N]} with {@code Reduction.NONE}. No parameters. */
public class NLLLoss extends Module {
    // Package-private, not private: the generated NLLLoss_Compiled reads it.
    final Reduction reduction;

    /** The mean loss. */
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    public NLLLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Input and target to the loss. */
    @Forward
    public Tensor forward(Tensor input, Tensor target) {
        return F.nllLoss(input, target, null, -100, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT);
    }
}
