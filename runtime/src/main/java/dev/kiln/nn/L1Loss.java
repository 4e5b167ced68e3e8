package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/** Absolute error of an input and a target of the same shape: a 0-d loss, or the input's shape with {@code Reduction.NONE}. No parameters. */
public class L1Loss extends Module {
    // Package-private, not private: the generated L1Loss_Compiled reads it.
    final Reduction reduction;

    /** The mean loss. */
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** Input and target to the loss. */
    @Forward
    public Tensor forward(Tensor input, Tensor target) {
        return F.l1Loss(input, target, reduction);
    }

    @Override
    protected String extraRepr() {
        return "reduction=" + reduction.name().toLowerCase(java.util.Locale.ROOT);
    }
}
