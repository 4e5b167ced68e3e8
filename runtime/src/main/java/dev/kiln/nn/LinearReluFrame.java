package dev.kiln.nn;

import dev.kiln.compiled.Frame;
import dev.kiln.compiled.GradSink;
import dev.kiln.ops.Derivatives;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;

/**
 * One call of {@code relu(linear.forward(x))} run as the fused {@link Ops#linearRelu}: the values its
 * backward reads, and that backward, ReLU's rule followed by the linear map's (the table's derivatives).
 */
final class LinearReluFrame extends Frame {
    private final Linear layer;
    private final boolean inputNeedsGrad;
    /** The input, kept only when the weight needs its gradient. */
    private Tensor x;

    LinearReluFrame(Linear layer, Tensor x, boolean inputNeedsGrad) {
        this.layer = layer;
        this.inputNeedsGrad = inputNeedsGrad;
        this.output = Ops.linearRelu(x, layer.weight, layer.bias);
        this.outputNeedsGrad = inputNeedsGrad || Frame.needsGrad(layer.weight) || Frame.needsGrad(layer.bias);
        this.x = Frame.needsGrad(layer.weight) ? x : null;
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor g = Derivatives.reluGradX(gradOutput, output);
        Tensor gradX = inputNeedsGrad ? Derivatives.linearGradX(g, layer.weight) : null;
        if (sink.wants(layer.weight)) {
            sink.add(layer.weight, Derivatives.linearGradWeight(g, x));
        }
        if (sink.wants(layer.bias)) {
            sink.add(layer.bias, Derivatives.linearGradBias(g, layer.bias.shape()));
        }
        if (sink.freesSavedValues()) {
            x = null;
        }
        return new Tensor[] {gradX};
    }
}
