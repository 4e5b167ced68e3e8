package com.example.inc;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** Two dense layers with ReLU, after the edit: input {@code [N, 4]}, output {@code [N, 2]}. */
public class Net extends Module {
    @Layer Dense fc1;
    @Layer Dense fc2;

    public Net(Generator generator) {
        fc1 = new Dense(4, 8, generator);
        fc2 = new Dense(8, 2, generator);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return fc2.forward(relu(fc1.forward(x)));
    }
}
