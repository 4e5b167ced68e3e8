package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies log-softmax, {@code x - logsumexp(x)}, computed stably along one dimension: any shape to the same shape. No parameters. */
public class LogSoftmax extends Module {
    // Package-private, not private: the generated LogSoftmax_Compiled reads it.
    final int dim;

    /** Along {@code dim} (negative counts from the end); PyTorch's implicit choice of dimension is deprecated, so it is required. */
    public LogSoftmax(int dim) {
        this.dim = dim;
    }

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.logSoftmax(x, dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }
}
