package dev.kiln.compiled;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * {@code pool.forward(relu(conv.forward(x)))} in each form: fused into one op with a MaxPool2d, a frame after
 * another for an AvgPool2d (which cannot fuse), and not fused where a variable holds the ReLU's output.
 * Input {@code [N, 1, 8, 8]}; the first convolution's 16 channels, over one input channel, take the fused op's
 * channels-last forward.
 */
public class PoolOfReluChildren extends Module {
    @Layer Conv2d conv1;
    @Layer MaxPool2d maxPool;
    @Layer Conv2d conv2;
    @Layer AvgPool2d avgPool;
    @Layer Conv2d conv3;

    PoolOfReluChildren(Generator g, DType dtype) {
        int[] one = {1, 1};
        conv1 = new Conv2d(1, 16, new int[] {3, 3}, one, one, one, 1, true, g, dtype);
        maxPool = new MaxPool2d(3, 2, 1);
        conv2 = new Conv2d(16, 2, new int[] {3, 3}, one, one, one, 1, false, g, dtype);
        avgPool = new AvgPool2d(2);
        conv3 = new Conv2d(2, 2, new int[] {1, 1}, one, new int[] {0, 0}, one, 1, true, g, dtype);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor h = maxPool.forward(relu(conv1.forward(x)));
        h = avgPool.forward(relu(conv2.forward(h)));
        Tensor r = relu(conv3.forward(h));
        return maxPool.forward(r).flatten(1, -1);
    }
}
