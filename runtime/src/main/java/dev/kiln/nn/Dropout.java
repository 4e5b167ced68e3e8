package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * Dropout: in training mode zeroes each element with probability p and scales the rest by
 * {@code 1 / (1 - p)}; in evaluation mode returns its input. Any shape, output of the same shape. The
 * masks come from the generator given (by default the global one), so a seeded run is reproducible.
 * No parameters.
 */
public class Dropout extends Module {
    // Package-private, not private: the generated Dropout_Compiled reads them.
    final double p;
    final Generator generator;

    /** p = 0.5, PyTorch's default. */
    public Dropout() {
        this(0.5);
    }

    public Dropout(double p) {
        this(p, Generator.global());
    }

    public Dropout(double p, Generator generator) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: probability must be between 0 and 1, got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), generator);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
