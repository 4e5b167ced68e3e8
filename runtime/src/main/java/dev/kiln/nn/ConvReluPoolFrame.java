package dev.kiln.nn;

import dev.kiln.compiled.EagerFrame;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.GradSink;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * One call of {@code pool.forward(relu(conv.forward(x)))} run as the fused {@link Ops#conv2dReluMaxPool2d}, on
 * a private tape as {@link ConvReluFrame} runs the convolution with ReLU: the input, weight and bias are the
 * tape's leaves, and the backward hands the parameters' gradients to the sink.
 */
final class ConvReluPoolFrame extends Frame {
    private final Conv2d conv;
    private EagerFrame fused;

    ConvReluPoolFrame(Conv2d conv, MaxPool2d pool, Tensor x, boolean inputNeedsGrad) {
        this.conv = conv;
        this.fused = EagerFrame.run(new Tensor[] {x, conv.weight, conv.bias},
                new boolean[] {inputNeedsGrad, Frame.needsGrad(conv.weight), Frame.needsGrad(conv.bias)}, List.of(),
                leaves -> Ops.conv2dReluMaxPool2d(leaves[0], leaves[1], leaves[2], conv.stride, conv.padding,
                        conv.dilation, conv.groups, pool.kernelSize, pool.stride, pool.padding, pool.dilation,
                        pool.ceilMode));
        this.output = fused.output();
        this.outputNeedsGrad = fused.outputNeedsGrad();
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor[] grads = fused.backward(gradOutput, sink);
        sink.add(conv.weight, grads[1]);
        sink.add(conv.bias, grads[2]);
        if (sink.freesSavedValues()) {
            fused = null;
        }
        return new Tensor[] {grads[0]};
    }
}
