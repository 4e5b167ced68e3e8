package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.tensor.Tensor;

/**
 * Merges dimensions {@code startDim..endDim} into one (by default all but the batch dimension):
 * {@code [N, C, H, W]} to {@code [N, C * H * W]}. A view when the layout allows. No parameters.
 */
public class Flatten extends Module {
    // Package-private, not private: the generated Flatten_Compiled reads them.
    final int startDim;
    final int endDim;

    /** {@code nn.Flatten()}: dimensions 1 to -1. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /** {@code [N, d1, ..., dk]} to {@code [N, d1 * ... * dk]} (for the default dimensions). */
    @Forward
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
