package dev.kiln.nn;

import dev.kiln.nn.init.Init;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** The default initializations of Kiln's layers, as PyTorch's {@code reset_parameters()} does them. */
final class LayerParams {
    private LayerParams() {}

    /** A trainable tensor drawn from U(-bound, bound). */
    static Tensor uniform(Generator gen, DType dtype, double bound, int... shape) {
        return Init.uniform(Tensor.zeros(dtype, shape), -bound, bound, gen).requiresGrad(true);
    }

    /** A trainable tensor of standard normal samples. */
    static Tensor normal(Generator gen, DType dtype, int... shape) {
        return Init.normal(Tensor.zeros(dtype, shape), gen).requiresGrad(true);
    }

    /** A trainable tensor filled with {@code value}. */
    static Tensor constant(DType dtype, double value, int... shape) {
        return Tensor.full(dtype, value, shape).requiresGrad(true);
    }

    /**
     * PyTorch's Linear and Conv weight initialization, {@code kaiming_uniform(a = sqrt(5))}: with that
     * slope the bound works out to {@code 1 / sqrt(fanIn)}, the same as the bias's.
     */
    static Tensor kaimingWeight(Generator gen, DType dtype, int fanIn, int... shape) {
        return uniform(gen, dtype, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, shape);
    }

    /** Checks that a size hyperparameter is positive, naming the layer. */
    static int positive(String layer, String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(layer + ": " + name + " must be positive, got " + value);
        }
        return value;
    }

    static String pyBool(boolean b) {
        return b ? "True" : "False";
    }

    static String pair(int[] p) {
        return "(" + p[0] + ", " + p[1] + ")";
    }
}
