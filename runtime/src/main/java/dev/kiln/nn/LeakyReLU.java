package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/** Applies {@code x} where positive and {@code negative_slope * x} elsewhere: any shape to the same shape. No parameters. */
public class LeakyReLU extends Module {
    // Package-private, not private: the generated LeakyReLU_Compiled reads it.
    final double negativeSlope;

    /** negative_slope 0.01, PyTorch's default. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    /** Any shape to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
