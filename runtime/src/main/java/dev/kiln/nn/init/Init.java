package dev.kiln.nn.init;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * Parameter initializers with PyTorch's {@code torch.nn.init} semantics, filling a floating tensor
 * of any shape in place and returning it.
 *
 * <p>Every random initializer draws from the {@link Generator} it is given, element by element in
 * row-major order, so building a model with one seeded generator gives the same weights every time.
 * Writes happen under {@link GradMode#noGrad()} (a parameter that requires grad can be filled) and
 * bump the storage version, so a tensor saved for backward before it was re-initialized is reported.
 * Fans follow {@code _calculate_fan_in_and_fan_out}: for a weight of shape [out, in, k1, k2, ...],
 * fan in = in * k1 * k2 * ... and fan out = out * k1 * k2 * ...
 *
 * <pre>{@code
 * Generator gen = new Generator(42);
 * Init.kaimingUniform(fc.weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen); // nn.Linear's default
 * Init.xavierNormal(conv.weight, Init.calculateGain("relu"), gen);
 * Init.zeros(fc.bias);
 * }</pre>
 */
public final class Init {
    private Init() {}

    // ---------------------------------------------------------------- constants

    /** Fills with 0. */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    /** Fills with 1. */
    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    /** Fills with {@code value}. */
    public static Tensor constant(Tensor t, double value) {
        try (var scope = GradMode.noGrad()) {
            t.fill(value);
        }
        return t;
    }

    // ---------------------------------------------------------------- plain distributions

    /** Samples from U(0, 1). */
    public static Tensor uniform(Tensor t, Generator gen) {
        return uniform(t, 0, 1, gen);
    }

    /** Samples from U(a, b). */
    public static Tensor uniform(Tensor t, double a, double b, Generator gen) {
        checkFloating("uniform", t);
        if (!Double.isFinite(a) || !Double.isFinite(b) || a > b) {
            throw new IllegalArgumentException("uniform: expects finite bounds a <= b, got a=" + a + ", b=" + b);
        }
        double[] values = new double[t.numel()];
        double width = b - a;
        for (int i = 0; i < values.length; i++) {
            values[i] = a + width * gen.nextDouble();
        }
        return write(t, values);
    }

    /** Samples from N(0, 1). */
    public static Tensor normal(Tensor t, Generator gen) {
        return normal(t, 0, 1, gen);
    }

    /** Samples from N(mean, std^2). */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        checkFloating("normal", t);
        if (!Double.isFinite(mean) || !Double.isFinite(std) || std < 0) {
            throw new IllegalArgumentException("normal: expects a finite mean and a finite std >= 0, got mean=" + mean
                    + ", std=" + std);
        }
        double[] values = new double[t.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = mean + std * gen.nextGaussian();
        }
        return write(t, values);
    }

    // ---------------------------------------------------------------- Xavier / Glorot

    /** Xavier/Glorot uniform with gain 1: U(-b, b), b = sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, Generator gen) {
        return xavierUniform(t, 1.0, gen);
    }

    /** Xavier/Glorot uniform: U(-b, b), b = gain * sqrt(6 / (fanIn + fanOut)). */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        double std = xavierStd("xavierUniform", t, gain);
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, gen);
    }

    /** Xavier/Glorot normal with gain 1: N(0, 2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, Generator gen) {
        return xavierNormal(t, 1.0, gen);
    }

    /** Xavier/Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        return normal(t, 0, xavierStd("xavierNormal", t, gain), gen);
    }

    private static double xavierStd(String op, Tensor t, double gain) {
        checkGain(op, gain);
        int[] fans = fans(op, t);
        return gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
    }

    // ---------------------------------------------------------------- Kaiming / He

    /** Kaiming/He uniform with PyTorch's defaults (a = 0, fan in, leaky ReLU): U(-b, b), b = sqrt(6 / fanIn). */
    public static Tensor kaimingUniform(Tensor t, Generator gen) {
        return kaimingUniform(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /**
     * Kaiming/He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain = {@code nonlinearity.gain(a)}
     * ({@code a} is the negative slope of a following leaky ReLU; {@code nn.Linear} and
     * {@code nn.Conv2d} use a = sqrt(5), which gives b = 1 / sqrt(fanIn)).
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        double bound = Math.sqrt(3.0) * kaimingStd("kaimingUniform", t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, gen);
    }

    /** Kaiming/He normal with PyTorch's defaults (a = 0, fan in, leaky ReLU): N(0, 2 / fanIn). */
    public static Tensor kaimingNormal(Tensor t, Generator gen) {
        return kaimingNormal(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
    }

    /** Kaiming/He normal: N(0, std^2) with std = gain / sqrt(fan), gain = {@code nonlinearity.gain(a)}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        return normal(t, 0, kaimingStd("kaimingNormal", t, a, mode, nonlinearity), gen);
    }

    private static double kaimingStd(String op, Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        int[] fans = fans(op, t);
        int fan = mode == FanMode.FAN_IN ? fans[0] : fans[1];
        return nonlinearity.gain(a) / Math.sqrt(fan);
    }

    // ---------------------------------------------------------------- orthogonal

    /** A (semi-)orthogonal matrix with gain 1; see {@link #orthogonal(Tensor, double, Generator)}. */
    public static Tensor orthogonal(Tensor t, Generator gen) {
        return orthogonal(t, 1.0, gen);
    }

    /**
     * A (semi-)orthogonal matrix times {@code gain}, as in PyTorch: the tensor is viewed as
     * [size(0), numel / size(0)], a matrix of N(0, 1) samples of that shape is drawn, and its QR
     * factor Q (with R's diagonal made positive; of the transpose when the matrix is wide) is written.
     * Rows (or columns, whichever are fewer) come out orthonormal.
     */
    public static Tensor orthogonal(Tensor t, double gain, Generator gen) {
        checkFloating("orthogonal", t);
        checkGain("orthogonal", gain);
        if (t.dim() < 2) {
            throw new ShapeException("orthogonal: only tensors with 2 or more dimensions are supported, got shape "
                    + Shapes.str(t.shape()));
        }
        if (t.numel() == 0) {
            return t;
        }
        int rows = t.size(0);
        int cols = t.numel() / rows;
        double[] flat = new double[rows * cols];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = gen.nextGaussian();
        }
        boolean wide = rows < cols;
        double[] values;
        if (wide) {
            double[] q = HouseholderQr.orthonormalFactor(transpose(flat, rows, cols), cols, rows);
            values = transpose(q, cols, rows);
        } else {
            values = HouseholderQr.orthonormalFactor(flat, rows, cols);
        }
        for (int i = 0; i < values.length; i++) {
            values[i] *= gain;
        }
        return write(t, values);
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] out = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- fans and gains

    /** Fan in of a weight of shape [out, in, k...]: in * prod(k). */
    public static int fanIn(Tensor t) {
        return fans("fanIn", t)[0];
    }

    /** Fan out of a weight of shape [out, in, k...]: out * prod(k). */
    public static int fanOut(Tensor t) {
        return fans("fanOut", t)[1];
    }

    /** PyTorch's {@code calculate_gain(nonlinearity)} by name ({@code "relu"}, {@code "tanh"}, {@code "leaky_relu"}, ...). */
    public static double calculateGain(String nonlinearity) {
        return Nonlinearity.of(nonlinearity).gain();
    }

    /** PyTorch's {@code calculate_gain(nonlinearity, param)}; {@code param} is leaky ReLU's negative slope. */
    public static double calculateGain(String nonlinearity, double param) {
        return Nonlinearity.of(nonlinearity).gain(param);
    }

    /** The gain of {@code nonlinearity} with its default parameter. */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return nonlinearity.gain();
    }

    /** The gain of {@code nonlinearity}; {@code param} is leaky ReLU's negative slope. */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        return nonlinearity.gain(param);
    }

    /** {fan in, fan out}. */
    private static int[] fans(String op, Tensor t) {
        int[] shape = t.shape();
        if (shape.length < 2) {
            throw new ShapeException(op + ": fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, "
                    + "got shape " + Shapes.str(shape));
        }
        int receptive = 1;
        for (int d = 2; d < shape.length; d++) {
            receptive *= shape[d];
        }
        return new int[] {shape[1] * receptive, shape[0] * receptive};
    }

    // ---------------------------------------------------------------- writing

    private static void checkFloating(String op, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new ShapeException(op + ": expects a floating tensor, got " + t.dtype() + " of shape " + Shapes.str(t.shape()));
        }
    }

    private static void checkGain(String op, double gain) {
        if (!Double.isFinite(gain)) {
            throw new IllegalArgumentException(op + ": gain must be a finite number, got " + gain);
        }
    }

    /** Writes row-major {@code values} into {@code t} and bumps its storage version. */
    private static Tensor write(Tensor t, double[] values) {
        try (var scope = GradMode.noGrad()) {
            if (t.isContiguous() && t.device().isCpu()) {
                int off = t.offset();
                if (t.dtype() == DType.FLOAT32) {
                    float[] data = t.storage().floats();
                    for (int i = 0; i < values.length; i++) {
                        data[off + i] = (float) values[i];
                    }
                } else {
                    double[] data = t.storage().doubles();
                    System.arraycopy(values, 0, data, off, values.length);
                }
                t.storage().bumpVersion();
            } else {
                t.copyFrom(Tensor.of(values, t.shape()));
            }
        }
        return t;
    }
}
