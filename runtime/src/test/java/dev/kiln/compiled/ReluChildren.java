package dev.kiln.compiled;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * ReLU applied to child outputs in each form: fused into a Conv2d and a Linear, after a Linear subclass and
 * a Tanh (which cannot fuse), and not fused where the child's output is read twice. Input {@code [N, 1, 4, 4]}.
 */
public class ReluChildren extends Module {
    @Layer Conv2d conv;
    @Layer Linear fc;
    @Layer ShiftedLinear shifted;
    @Layer Tanh tanh;

    ReluChildren(Generator g, DType dtype) {
        int[] one = {1, 1};
        conv = new Conv2d(1, 2, new int[] {3, 3}, one, one, one, 1, true, g, dtype);
        fc = new Linear(32, 8, true, g, dtype);
        shifted = new ShiftedLinear(8, 8, g, dtype);
        tanh = new Tanh();
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor h = relu(conv.forward(x)).flatten(1, -1);
        h = relu(fc.forward(h));
        Tensor t = shifted.forward(h);
        h = relu(t).add(t);
        h = relu(tanh.forward(h));
        return relu(shifted.forward(h));
    }
}
