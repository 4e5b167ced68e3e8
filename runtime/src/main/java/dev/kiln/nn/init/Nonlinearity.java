package dev.kiln.nn.init;

import java.util.Locale;

/**
 * The activations PyTorch's {@code calculate_gain} knows, each with the gain that keeps the
 * variance of activations stable through a layer followed by it.
 */
public enum Nonlinearity {
    LINEAR,
    CONV1D,
    CONV2D,
    CONV3D,
    CONV_TRANSPOSE1D,
    CONV_TRANSPOSE2D,
    CONV_TRANSPOSE3D,
    SIGMOID,
    TANH,
    RELU,
    LEAKY_RELU,
    SELU;

    /** PyTorch's default negative slope of leaky ReLU when none is given. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

    /** The gain with the default parameter (a negative slope of 0.01 for leaky ReLU). */
    public double gain() {
        return gain(DEFAULT_NEGATIVE_SLOPE);
    }

    /** The gain; {@code param} is the negative slope of leaky ReLU and is ignored by the others. */
    public double gain(double param) {
        return switch (this) {
            case LINEAR, CONV1D, CONV2D, CONV3D, CONV_TRANSPOSE1D, CONV_TRANSPOSE2D, CONV_TRANSPOSE3D, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                if (!Double.isFinite(param)) {
                    throw new IllegalArgumentException("calculateGain: negative slope of leaky_relu must be a finite number, got "
                            + param);
                }
                yield Math.sqrt(2.0 / (1 + param * param));
            }
            case SELU -> 3.0 / 4;
        };
    }

    /** The nonlinearity with PyTorch's name ({@code "relu"}, {@code "leaky_relu"}, {@code "conv_transpose2d"}, ...). */
    public static Nonlinearity of(String name) {
        for (Nonlinearity n : values()) {
            if (n.pytorchName().equals(name)) {
                return n;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Nonlinearity n : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(n.pytorchName());
        }
        throw new IllegalArgumentException("calculateGain: unsupported nonlinearity '" + name + "'; expected one of " + known);
    }

    /** The name PyTorch uses ({@code leaky_relu}). */
    public String pytorchName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
