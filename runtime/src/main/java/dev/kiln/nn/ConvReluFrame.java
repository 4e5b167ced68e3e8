package dev.kiln.nn;

import dev.kiln.compiled.EagerFrame;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.GradSink;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * One call of {@code relu(conv.forward(x))} run as the fused {@link Ops#conv2dRelu}, on a private tape as
 * {@code Conv2d}'s compiled forward runs its convolution: the input, weight and bias are the tape's leaves,
 * and the backward hands the parameters' gradients to the sink.
 */
final class ConvReluFrame extends Frame {
    private final Conv2d layer;
    private EagerFrame conv;

    ConvReluFrame(Conv2d layer, Tensor x, boolean inputNeedsGrad) {
        this.layer = layer;
        this.conv = EagerFrame.run(new Tensor[] {x, layer.weight, layer.bias},
                new boolean[] {inputNeedsGrad, Frame.needsGrad(layer.weight), Frame.needsGrad(layer.bias)}, List.of(),
                leaves -> Ops.conv2dRelu(leaves[0], leaves[1], leaves[2], layer.stride, layer.padding,
                        layer.dilation, layer.groups));
        this.output = conv.output();
        this.outputNeedsGrad = conv.outputNeedsGrad();
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor[] grads = conv.backward(gradOutput, sink);
        sink.add(layer.weight, grads[1]);
        sink.add(layer.bias, grads[2]);
        if (sink.freesSavedValues()) {
            conv = null;
        }
        return new Tensor[] {grads[0]};
    }
}
