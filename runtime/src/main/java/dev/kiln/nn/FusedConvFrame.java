package dev.kiln.nn;

import dev.kiln.compiled.EagerFrame;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.GradSink;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * One call of a fused op that starts with a {@link Conv2d}'s convolution ({@code Ops.conv2dRelu} for
 * {@code relu(conv.forward(x))}, {@code Ops.conv2dReluMaxPool2d} for {@code pool.forward(relu(conv.forward(x)))}),
 * on a private tape as {@code Conv2d}'s compiled forward runs its convolution: the input, weight and bias are
 * the tape's leaves, and the backward hands the parameters' gradients to the sink.
 */
final class FusedConvFrame extends Frame {
    private final Conv2d layer;
    private EagerFrame fused;

    /** Runs {@code op} on the leaves {@code {x, weight, bias}}. */
    FusedConvFrame(Conv2d layer, Tensor x, boolean inputNeedsGrad, Function<Tensor[], Tensor> op) {
        this.layer = layer;
        this.fused = EagerFrame.run(new Tensor[] {x, layer.weight, layer.bias},
                new boolean[] {inputNeedsGrad, Frame.needsGrad(layer.weight), Frame.needsGrad(layer.bias)}, List.of(),
                op);
        this.output = fused.output();
        this.outputNeedsGrad = fused.outputNeedsGrad();
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor[] grads = fused.backward(gradOutput, sink);
        sink.add(layer.weight, grads[1]);
        sink.add(layer.bias, grads[2]);
        if (sink.freesSavedValues()) {
            fused = null;
        }
        return new Tensor[] {grads[0]};
    }
}
