package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * The seed CNN (workload W3): conv 3x3 1→16 pad 1, ReLU, max-pool 3 stride 2 pad 1, conv 3x3 16→32
 * pad 1, ReLU, max-pool 3 stride 2 pad 1, flatten (32·7·7 = 1568), dense 128, ReLU, dense 64, ReLU,
 * dense 10. Takes [N, 1, 28, 28] images and returns [N, 10] logits.
 */
public class SeedCnn extends Module {
    @Layer Conv2d conv1;
    @Layer MaxPool2d pool1;
    @Layer Conv2d conv2;
    @Layer MaxPool2d pool2;
    @Layer Linear fc1;
    @Layer Linear fc2;
    @Layer Linear fc3;

    public SeedCnn(Generator generator) {
        conv1 = conv(1, 16, generator);
        pool1 = new MaxPool2d(3, 2, 1);
        conv2 = conv(16, 32, generator);
        pool2 = new MaxPool2d(3, 2, 1);
        fc1 = new Linear(32 * 7 * 7, 128, true, generator, DType.FLOAT32);
        fc2 = new Linear(128, 64, true, generator, DType.FLOAT32);
        fc3 = new Linear(64, 10, true, generator, DType.FLOAT32);
    }

    /** A 3x3 convolution with padding 1 and a bias. */
    private static Conv2d conv(int in, int out, Generator generator) {
        int[] one = {1, 1};
        return new Conv2d(in, out, new int[] {3, 3}, one, one, one, 1, true, generator, DType.FLOAT32);
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = pool1.forward(relu(conv1.forward(x)));
        h = pool2.forward(relu(conv2.forward(h)));
        h = h.flatten(1, -1);
        h = relu(fc1.forward(h));
        h = relu(fc2.forward(h));
        return fc3.forward(h);
    }
}
