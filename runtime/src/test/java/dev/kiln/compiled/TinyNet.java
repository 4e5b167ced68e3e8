package dev.kiln.compiled;

import static dev.kiln.ops.Ops.logSoftmax;
import static dev.kiln.ops.Ops.relu;
import static dev.kiln.ops.Ops.sigmoid;
import static dev.kiln.ops.Ops.softmax;
import static dev.kiln.ops.Ops.tanh;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A test model that exercises every compiled construct: a shape condition, child calls, a parameter
 * used twice, table ops with broadcasting, scalar hyperparameters, and an op outside the table
 * ({@code abs}). Input {@code [N, 6]} or {@code [N, 2, 3]}; output {@code [N, 4]} log-probabilities.
 */
public class TinyNet extends Module {
    @Layer Linear fc1;
    @Layer Linear fc2;
    @Param Tensor scale;
    final double shift = 1.5;

    TinyNet(Generator g, DType dtype) {
        fc1 = new Linear(6, 5, true, g, dtype);
        fc2 = new Linear(5, 4, true, g, dtype);
        scale = Tensor.randn(g, dtype, 5).requiresGrad(true);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor h = x.dim() == 2 ? x : x.flatten(1, -1);
        h = relu(fc1.forward(h));
        h = h.mul(scale).add(shift * 2);
        h = tanh(h).sub(sigmoid(h).div(scale.mul(scale).add(1)));
        Tensor s = softmax(h, -1);
        h = fc2.forward(h.add(s.mul(0.5)).exp().log());
        return logSoftmax(h.abs().add(h).sub(h.mean(1, true)), 1);
    }
}
