package dev.kiln.golden;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/**
 * Hyperparameters, varargs, a non-tensor result, and parameter names that collide with the
 * generated code's own names (NameAllocator renames the generated ones).
 */
public class Attention extends Module {
    /** Several outputs. */
    public record Out(Tensor values, long count) {}

    public static class Head extends Module {
        @Forward(compile = CompileMode.EAGER)
        Tensor forward(Tensor x) {
            return x;
        }
    }

    @Forward
    Out forward(Tensor module, int args, float scale, boolean causal, Integer heads, String mode, Tensor... visitor) {
        Tensor sum = module.mul(scale * args);
        for (Tensor t : visitor) {
            sum = sum.add(t);
        }
        return new Out(sum, visitor.length + (causal ? 1 : 0) + (heads == null ? 0 : heads) + mode.length());
    }
}
