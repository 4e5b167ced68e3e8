package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A compiled parent of a two-input layer (a recurrent cell): {@code (x, h)} to {@code inner(x, h) * 3}. */
public class Wrap2 extends Module {
    @Layer Module inner;

    Wrap2(Module inner) {
        this.inner = inner;
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x, Tensor h) {
        return inner.apply(x, h).mul(3);
    }
}
