package dev.kiln.compiled;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** A model whose body reads a tensor's value in a loop: it runs eagerly (with a KLN401 note). Input {@code [N, 3]}. */
public class EagerOnly extends Module {
    @Layer Linear fc;

    EagerOnly(Generator g) {
        fc = new Linear(3, 3, true, g, DType.FLOAT32);
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = fc.forward(x);
        while (h.abs().sum().item() > 1) {
            h = h.div(2);
        }
        return h;
    }
}
