package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A generic module: x + inner(x). */
public class Residual<M extends Module> extends Module {
    @Layer M inner;

    public Residual(M inner) {
        this.inner = inner;
    }

    @Forward
    public Tensor forward(Tensor x) {
        return x.add(inner.apply(x));
    }
}
