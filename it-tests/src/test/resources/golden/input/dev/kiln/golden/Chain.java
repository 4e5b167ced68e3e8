package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** An indexed loop over a list with an if inside, a shape check, a training branch and an inlined helper. */
public class Chain extends Module {
    @Layer List<Dense> layers = new ArrayList<>();
    @Param Tensor gain = Tensor.ones(4).requiresGrad(true);

    public Chain() {
        layers.add(new Dense(4, 4));
        layers.add(new Dense(4, 4));
    }

    @Forward
    public Tensor forward(Tensor x) {
        if (x.dim() != 2) {
            throw new IllegalArgumentException("Chain: input must be 2-d, got " + x.dim() + "-d");
        }
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i + 1 < layers.size()) {
                h = h.relu();
            }
        }
        if (isTraining()) {
            h = scaled(h);
        }
        return h;
    }

    private Tensor scaled(Tensor t) {
        return t.mul(gain);
    }
}
