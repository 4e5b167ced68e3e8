package com.example.tiny;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** A two-layer perceptron with ReLU: input {@code [N, in]}, output {@code [N, out]}. */
public class TinyMlp extends Module {
    @Layer Dense fc1;
    @Layer Dense fc2;

    public TinyMlp(int in, int hidden, int out, Generator generator) {
        fc1 = new Dense(in, hidden, generator);
        fc2 = new Dense(hidden, out, generator);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return fc2.forward(relu(fc1.forward(x)));
    }
}
