package dev.kiln.compiled;

import dev.kiln.ops.Derivatives;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;

/**
 * {@code relu} of a child's output, for a child that cannot fuse it ({@link ReluFusable}): the child's
 * frame, then ReLU as its own op; the backward applies ReLU's rule and hands the result to the child.
 */
final class ReluAfterFrame extends Frame {
    private Frame child;

    ReluAfterFrame(Frame child) {
        this.child = child;
        this.output = Ops.relu(child.output());
        this.outputNeedsGrad = child.outputNeedsGrad();
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor[] gradInputs = child.backward(Derivatives.reluGradX(gradOutput, output), sink);
        if (sink.freesSavedValues()) {
            child = null;
        }
        return gradInputs;
    }
}
