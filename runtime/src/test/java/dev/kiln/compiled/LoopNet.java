package dev.kiln.compiled;

import static dev.kiln.ops.Ops.relu;
import static dev.kiln.ops.Ops.tanh;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A test model with every control-flow construct the compiler unrolls: an indexed loop over a
 * {@code @Layer} list with an {@code if} inside, an enhanced loop over an array, a nested loop
 * with a hyperparameter bound, {@code if (isTraining())}, a shape check that throws, and calls of
 * the class's own methods (one with an early return). Input {@code [N, 4]}, output {@code [N, 4]}.
 */
public class LoopNet extends Module {
    @Layer final List<Linear> layers = new ArrayList<>();
    @Layer final Linear[] taps;
    @Param Tensor gain;
    final int repeats = 2;

    LoopNet(Generator g, DType dtype) {
        for (int i = 0; i < 3; i++) {
            layers.add(new Linear(4, 4, true, g, dtype));
        }
        taps = new Linear[] {new Linear(4, 4, true, g, dtype), new Linear(4, 4, false, g, dtype)};
        gain = Tensor.randn(g, dtype, 4).requiresGrad(true);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        if (x.dim() != 2) {
            throw new ShapeException("LoopNet: input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be 2-d");
        }
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i % 2 == 0) {
                h = relu(h);
            } else {
                h = scaled(h, 0.5);
            }
        }
        Tensor skip = h;
        for (Linear tap : taps) {
            for (int r = 0; r < repeats; r++) {
                h = tanh(tap.forward(h)).add(x);
            }
        }
        if (isTraining()) {
            h = h.mul(gain);
        }
        return h.add(skip);
    }

    private Tensor scaled(Tensor t, double factor) {
        if (factor == 1) {
            return t;
        }
        return t.mul(gain).mul(factor);
    }
}
