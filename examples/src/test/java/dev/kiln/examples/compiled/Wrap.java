package dev.kiln.examples.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/**
 * A compiled parent of one model, so that a model whose body runs eagerly is tested as a child frame:
 * {@code x} to {@code 2 inner(x)}, any shape.
 */
public class Wrap extends Module {
    @Layer Module inner;

    Wrap(Module inner) {
        this.inner = inner;
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        return inner.apply(x).mul(2);
    }
}
