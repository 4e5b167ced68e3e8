package com.example.inc;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** One dense layer (the second build adds another): input {@code [N, 4]}, output {@code [N, 2]}. */
public class Net extends Module {
    @Layer Dense fc1;

    public Net(Generator generator) {
        fc1 = new Dense(4, 2, generator);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return fc1.forward(x);
    }
}
