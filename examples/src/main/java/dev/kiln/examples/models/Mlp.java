package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A multilayer perceptron of any depth with ReLU between its linear layers (W2: 784-1024-1024-10).
 * Takes [N, sizes[0]] (or images, flattened) and returns [N, sizes[last]]; parameters are named
 * {@code layers.0.weight}, {@code layers.0.bias}, ...
 */
public class Mlp extends Module {
    @Layer final List<Linear> layers = new ArrayList<>();

    public Mlp(Generator generator, int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("Mlp: needs at least 2 sizes, got " + sizes.length);
        }
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(sizes[i], sizes[i + 1], true, generator, DType.FLOAT32));
        }
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = x.dim() == 2 ? x : x.flatten(1, -1);
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i + 1 < layers.size()) {
                h = relu(h);
            }
        }
        return h;
    }
}
