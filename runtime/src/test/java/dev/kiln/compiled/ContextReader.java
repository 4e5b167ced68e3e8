package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * An eager module that reads a tensor set from outside ({@code context}), which may carry the caller's
 * graph: {@code x * weight + context}.
 */
public class ContextReader extends Module {
    @Param Tensor weight;
    Tensor context;

    ContextReader(Generator g) {
        weight = Tensor.randn(g, DType.FLOAT64, 2, 3).requiresGrad(true);
    }

    @Forward(compile = CompileMode.EAGER)
    public Tensor forward(Tensor x) {
        return x.mul(weight).add(context);
    }
}
