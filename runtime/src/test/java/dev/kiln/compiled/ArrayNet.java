package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A test model with every use of a {@code Tensor[]} the compiler handles: an array of parameters read in
 * a loop, per-step values stored at a reversed index, an element overwritten (the first value gets no
 * gradient from the array), an element read back after it was written, an array declared inside a loop,
 * a helper that takes and returns arrays, and arrays passed whole to {@code stack} and {@code concat}.
 * Input {@code [T, N, 3]}, output {@code [T, N, 6]}.
 */
public class ArrayNet extends Module {
    @Param Tensor w0;
    @Param Tensor w1;
    @Param Tensor unused;

    ArrayNet(Generator g, DType dtype) {
        w0 = Tensor.randn(g, dtype, 3, 3).requiresGrad(true);
        w1 = Tensor.randn(g, dtype, 3, 3).requiresGrad(true);
        unused = Tensor.randn(g, dtype, 3, 3).requiresGrad(true);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        int steps = x.size(0);
        Tensor[] weights = {w0, w1, unused};
        Tensor[] perStep = new Tensor[steps];
        Tensor h = x.select(0, 0).mul(0);
        for (int s = 0; s < steps; s++) {
            int t = steps - 1 - s;
            Tensor[] pair = mix(x.select(0, t), h, weights);
            perStep[t] = pair[0];
            // Overwritten below: this first value must get no gradient through perStep.
            perStep[t] = pair[0].add(pair[1]);
            h = perStep[t].tanh();
        }
        Tensor forwardOut = Ops.stack(List.of(perStep), 0);
        Tensor[] both = {forwardOut, forwardOut.mul(weights[1].sum())};
        return Ops.concat(Arrays.asList(both), 2);
    }

    /** Two mixes of the step's input and the state. */
    Tensor[] mix(Tensor xt, Tensor h, Tensor[] weights) {
        return new Tensor[] {xt.matmul(weights[0]), h.matmul(weights[1]).sigmoid()};
    }
}
