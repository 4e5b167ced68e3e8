package dev.kiln.compiled;

import dev.kiln.tensor.Tensor;

/**
 * Two frames in sequence, the second applied to the first's output, as one: what
 * {@link Compiled#childReluThen} returns where it cannot fuse the calls. The backward runs the second
 * frame's, then the first's.
 */
final class ThenFrame extends Frame {
    private Frame first;
    private Frame second;

    ThenFrame(Frame first, Frame second) {
        this.first = first;
        this.second = second;
        this.output = second.output();
        this.outputNeedsGrad = second.outputNeedsGrad();
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor gradMiddle = second.backward(gradOutput, sink)[0];
        Tensor[] gradInputs = gradMiddle == null ? new Tensor[] {null} : first.backward(gradMiddle, sink);
        if (sink.freesSavedValues()) {
            first = null;
            second = null;
        }
        return gradInputs;
    }
}
