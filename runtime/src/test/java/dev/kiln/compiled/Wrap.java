package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/**
 * A compiled parent of one layer, so that a layer whose own body runs eagerly is still tested
 * through a compiled forward (as a child frame): {@code x} to {@code inner(x) * 2 + inner(x)}, any shape.
 */
public class Wrap extends Module {
    @Layer Module inner;

    public Wrap(Module inner) {
        this.inner = inner;
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor y = inner.apply(x);
        return y.mul(2).add(y);
    }
}
