package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.tensor.Tensor;

/** A subclass: its superclass's fields come first. */
public class Derived extends Base {
    @Layer Dense body = new Dense(3, 3);

    @Forward
    public Tensor forward(Tensor x) {
        return body.forward(x).mul(gain);
    }
}
