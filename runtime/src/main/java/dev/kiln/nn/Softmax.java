package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies softmax: exponentials normalized to sum to 1 along one dimension: any shape to the same shape. No parameters. */
public class Softmax extends Module {
    // Package-private, not private: the generated Softmax_Compiled reads it.
    final int dim;

    /** Along {@code dim} (negative counts from the end); PyTorch's implicit choice of dimension is deprecated, so it is required. */
    public Softmax(int dim) {
        this.dim = dim;
    }

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.softmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
