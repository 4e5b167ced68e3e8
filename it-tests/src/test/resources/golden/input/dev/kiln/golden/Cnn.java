package dev.kiln.golden;

import static dev.kiln.nn.functional.F.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A small CNN: pool(relu(conv(x))) runs as one call; relu(fc(h)) as another. */
public class Cnn extends Module {
    @Layer Conv2d conv;
    @Layer MaxPool2d pool;
    @Layer Linear fc;

    public Cnn(Conv2d conv, MaxPool2d pool, Linear fc) {
        this.conv = conv;
        this.pool = pool;
        this.fc = fc;
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = pool.forward(relu(conv.forward(x)));
        return relu(fc.forward(h.flatten(1, -1)));
    }
}
