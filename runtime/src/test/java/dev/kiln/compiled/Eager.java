package dev.kiln.compiled;

import dev.kiln.nn.GELU;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.Tanh;
import dev.kiln.tensor.Tensor;

/** Calls a test model's typed {@code forward} directly: the user's body on the eager tape. */
final class Eager {
    private Eager() {}

    static Tensor forward(Module m, Tensor x) {
        if (m instanceof TinyNet t) {
            return t.forward(x);
        }
        if (m instanceof ReluThroughHelpers r) {
            return r.forward(x);
        }
        if (m instanceof ReluChildren r) {
            return r.forward(x);
        }
        if (m instanceof PoolOfReluChildren p) {
            return p.forward(x);
        }
        if (m instanceof Linear l) {
            return l.forward(x);
        }
        if (m instanceof ReLU r) {
            return r.forward(x);
        }
        if (m instanceof Sigmoid s) {
            return s.forward(x);
        }
        if (m instanceof Tanh t) {
            return t.forward(x);
        }
        if (m instanceof GELU gelu) {
            return gelu.forward(x);
        }
        throw new IllegalArgumentException("no eager forward for " + m.getClass());
    }
}
