package dev.kiln.compiled;

import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/**
 * A layer that can run {@code relu(forward(x))} as one fused op, its output going through ReLU in place
 * while it is still in cache rather than in a pass of its own. {@link Compiled#childRelu} uses it where a
 * compiled forward applies ReLU to the layer's output and reads that output nowhere else; {@code Linear}
 * and {@code Conv2d} implement it, and {@code Conv2d} fuses a following {@code MaxPool2d} too.
 */
public interface ReluFusable {
    /**
     * The frame of {@code relu(forward(inputs))} computed as one op, or null where this object cannot fuse:
     * a subclass, whose {@code forward} may compute something else.
     */
    Frame fusedRelu(Tensor[] inputs, boolean[] needsGrad);

    /**
     * The frame of {@code next.forward(relu(forward(inputs)))} computed as one op, for the layers this one
     * can fuse with ({@link Compiled#childReluThen}), or null: by default, and for any {@code next} it does
     * not know.
     */
    default Frame fusedReluThen(Module next, Tensor[] inputs, boolean[] needsGrad) {
        return null;
    }
}
