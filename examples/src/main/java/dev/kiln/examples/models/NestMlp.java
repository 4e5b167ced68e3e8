package dev.kiln.examples.models;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * The seed's NestMLP: a nested {@link Sequential} (20→64, ReLU, 64→32, ReLU) followed by a linear
 * layer 32→16. Input {@code [N, 20]}, output {@code [N, 16]}. Keys {@code net.0.weight},
 * {@code net.2.weight}, {@code linear.weight} and their biases, as PyTorch's.
 */
public class NestMlp extends Module {
    @Layer Sequential net;
    @Layer Linear linear;

    public NestMlp(Generator generator) {
        net = new Sequential(new Linear(20, 64, true, generator, DType.FLOAT32), new ReLU(),
                new Linear(64, 32, true, generator, DType.FLOAT32), new ReLU());
        linear = new Linear(32, 16, true, generator, DType.FLOAT32);
    }

    /** {@code [N, 20]} to {@code [N, 16]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return linear.forward(net.forward(x));
    }
}
