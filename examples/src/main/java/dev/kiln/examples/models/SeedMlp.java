package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * The seed lecture's MLP (workload W1): 784-200-100-70-30-10 with ReLU between the layers.
 * Takes [N, 784] (or [N, 1, 28, 28], flattened) and returns [N, 10] logits.
 */
public class SeedMlp extends Module {
    @Layer Linear fc1;
    @Layer Linear fc2;
    @Layer Linear fc3;
    @Layer Linear fc4;
    @Layer Linear fc5;

    /** The seed's sizes, initialized from {@code generator}. */
    public SeedMlp(Generator generator) {
        this(generator, 784, 200, 100, 70, 30, 10);
    }

    /** An MLP of five linear layers with the given sizes (six numbers). */
    public SeedMlp(Generator generator, int... sizes) {
        if (sizes.length != 6) {
            throw new IllegalArgumentException("SeedMlp: needs 6 layer sizes, got " + sizes.length);
        }
        fc1 = new Linear(sizes[0], sizes[1], true, generator, DType.FLOAT32);
        fc2 = new Linear(sizes[1], sizes[2], true, generator, DType.FLOAT32);
        fc3 = new Linear(sizes[2], sizes[3], true, generator, DType.FLOAT32);
        fc4 = new Linear(sizes[3], sizes[4], true, generator, DType.FLOAT32);
        fc5 = new Linear(sizes[4], sizes[5], true, generator, DType.FLOAT32);
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = x.dim() == 2 ? x : x.flatten(1, -1);
        h = relu(fc1.forward(h));
        h = relu(fc2.forward(h));
        h = relu(fc3.forward(h));
        h = relu(fc4.forward(h));
        return fc5.forward(h);
    }
}
