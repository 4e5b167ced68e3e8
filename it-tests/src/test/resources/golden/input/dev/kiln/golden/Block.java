package dev.kiln.golden;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A block: a child layer and a buffer. */
public class Block extends Module {
    @Layer Dense fc;
    @Buffer Tensor runningMean;

    public Block(int width) {
        fc = new Dense(width, width);
        runningMean = Tensor.zeros(width);
    }

    @Forward
    public Tensor forward(Tensor x) {
        return fc.forward(x).relu();
    }
}
