package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;

/**
 * A skip connection around a body, {@code y = body(x) + shortcut(x)}, where the shortcut is the
 * identity unless given (a projection when the body changes the shape). Input any shape the body
 * takes; output the body's output shape, which the shortcut's must match. Children {@code body} and,
 * when present, {@code shortcut}.
 */
public class Residual extends Module {
    @Layer Module body;
    @Layer Module shortcut;

    /** {@code x + body(x)}. */
    public Residual(Module body) {
        this(body, null);
    }

    /** {@code shortcut(x) + body(x)}; a null shortcut is the identity. */
    public Residual(Module body, Module shortcut) {
        if (body == null) {
            throw new IllegalArgumentException("Residual: the body must not be null");
        }
        this.body = body;
        this.shortcut = shortcut;
    }

    /** {@code x} to {@code body(x) + shortcut(x)}. */
    @Forward
    public Tensor forward(Tensor x) {
        Tensor y = body.apply(x);
        Tensor skip = shortcut == null ? x : shortcut.apply(x);
        if (!java.util.Arrays.equals(y.shape(), skip.shape())) {
            throw new ShapeException("Residual: the body's output of shape " + java.util.Arrays.toString(y.shape())
                    + " does not match the " + (shortcut == null ? "input" : "shortcut's output") + " of shape "
                    + java.util.Arrays.toString(skip.shape()) + "; give the Residual a shortcut that projects it");
        }
        return y.add(skip);
    }
}
