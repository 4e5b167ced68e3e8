package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A test model whose forward returns a record of tensors of mixed kinds: float32 scores, their integer
 * argmax, a float64 copy of another head, and a component left null. Input {@code [N, 3]}.
 */
public class Heads extends Module {
    /** The four components. */
    public record Out(Tensor scores, Tensor best, Tensor wide, Tensor none) {}

    @Param Tensor w;

    Heads(Generator g) {
        w = Tensor.randn(g, 3, 4).requiresGrad(true);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Out forward(Tensor x) {
        Tensor scores = x.matmul(w);
        return new Out(scores.tanh(), scores.argmax(1, false), scores.sigmoid().to(DType.FLOAT64), null);
    }
}
