package dev.kiln.compiled;

import static dev.kiln.ops.Ops.exp;
import static dev.kiln.ops.Ops.logSoftmax;
import static dev.kiln.ops.Ops.matmul;
import static dev.kiln.ops.Ops.relu;
import static dev.kiln.ops.Ops.sigmoid;
import static dev.kiln.ops.Ops.softmax;
import static dev.kiln.ops.Ops.tanh;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A random chain of ops for the stress set: {@code ops} (drawn from a seed) picks, step by step, one
 * of {@link #OP_COUNT} ops on the hidden value; the compiled forward unrolls the loop and takes the
 * chosen branch of each {@code if}. Input {@code [N, dim]}, output {@code [N, dim]}.
 */
public class OpChain extends Module {
    static final int OP_COUNT = 12;
    @Param Tensor weight;
    @Param Tensor bias;
    final int[] ops;

    OpChain(Generator g, int dim, int length, DType dtype) {
        weight = Tensor.randn(g, dtype, dim, dim).mul(0.5).requiresGrad(true);
        bias = Tensor.randn(g, dtype, dim).requiresGrad(true);
        ops = new int[length];
        for (int i = 0; i < length; i++) {
            ops[i] = (int) (Tensor.rand(g, 1).item() * OP_COUNT) % OP_COUNT;
        }
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < ops.length; i++) {
            int op = ops[i];
            if (op == 0) {
                h = relu(h);
            } else if (op == 1) {
                h = tanh(h);
            } else if (op == 2) {
                h = sigmoid(h).mul(h);
            } else if (op == 3) {
                h = matmul(h, weight);
            } else if (op == 4) {
                h = h.add(bias);
            } else if (op == 5) {
                h = h.mul(tanh(h));
            } else if (op == 6) {
                h = exp(tanh(h));
            } else if (op == 7) {
                h = softmax(h, -1).add(h);
            } else if (op == 8) {
                h = h.sub(h.mean(1, true));
            } else if (op == 9) {
                h = h.div(sigmoid(h).add(1));
            } else if (op == 10) {
                h = h.abs().add(x);
            } else {
                h = logSoftmax(h, 1).sub(h.sum(1, true).mul(0.1));
            }
        }
        return h;
    }
}
