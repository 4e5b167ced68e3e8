package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.matmul;
import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * The seed's FixedHiddenMLP: a linear layer, a product with a constant random 20x20 weight plus one
 * and ReLU, the same linear layer again (parameter sharing), then Python-style control flow that halves
 * the activations while their L1 norm exceeds 1. Input {@code [N, 20]}; output the sum of the result,
 * a scalar {@code []}. Parameters {@code linear.weight [20, 20]} and {@code linear.bias [20]} only.
 */
public class FixedHiddenMlp extends Module {
    @Layer Linear linear;

    /**
     * The seed's {@code rand_weight}: drawn once, never trained. Like the seed's plain attribute (not a
     * {@code Parameter}, not a registered buffer) it is deliberately not annotated, so it is in neither
     * {@code namedParameters()} nor the state dict and the keys stay PyTorch's. A model that moves between
     * devices would declare it {@code @Buffer(persistent = false)} instead, so that {@code to(device)}
     * moves it while the state dict still leaves it out.
     */
    final Tensor randWeight;

    /** U(0, 1) constant weight (as {@code torch.rand}) and the linear layer, drawn from {@code generator}. */
    public FixedHiddenMlp(Generator generator) {
        randWeight = Tensor.rand(generator, 20, 20);
        linear = new Linear(20, 20, true, generator, DType.FLOAT32);
    }

    /** The constant weight, {@code [20, 20]} (a tensor that does not require gradients). */
    public Tensor randWeight() {
        return randWeight;
    }

    /** {@code [N, 20]} to a scalar {@code []}. */
    @Forward
    public Tensor forward(Tensor x) {
        x = linear.forward(x);
        x = relu(matmul(x, randWeight).add(1));
        // The same layer a second time: both uses add into one weight's gradient.
        x = linear.forward(x);
        // Data-dependent control flow runs on the eager tape: each halving is one recorded op.
        while (x.abs().sum().item() > 1) {
            x = x.div(2);
        }
        return x.sum();
    }
}
