package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Like nn.Sequential: an inline list, whose elements are the children "0", "1", ... */
public class Stack extends Module {
    @Layer(inline = true) final List<Module> layers;

    public Stack(Module... layers) {
        this.layers = List.of(layers);
    }

    @Forward
    public Tensor forward(Tensor x) {
        for (Module m : layers) {
            x = m.apply(x);
        }
        return x;
    }
}
