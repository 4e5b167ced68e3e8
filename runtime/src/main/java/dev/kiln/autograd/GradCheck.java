package dev.kiln.autograd;

import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks that the gradients autograd computes for a function agree with central finite
 * differences, like {@code torch.autograd.gradcheck} and {@code gradgradcheck}. Use it to test a
 * custom op or any function of tensors:
 *
 * <pre>{@code
 * Generator gen = new Generator(42);
 * Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, 4).requiresGrad(true);
 * Tensor w = Tensor.randn(gen, DType.FLOAT64, 4, 2).requiresGrad(true);
 * GradCheck.check(in -> in[0].matmul(in[1]).tanh(), x, w);        // first derivatives
 * GradCheck.checkSecondOrder(in -> in[0].matmul(in[1]).tanh(), x, w); // derivatives of the gradient
 * }</pre>
 *
 * <p><b>What is compared.</b> For every input that requires grad and every element {@code x_i}
 * of it, the numerical derivative {@code (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)} is compared
 * with what backward computes. When the output has at most {@link Options#maxFullOutputs()}
 * elements the whole Jacobian is compared, one backward per output element; for larger outputs
 * the Jacobian is compared along {@link Options#projections()} seeded random output directions
 * {@code v} (backward with gradOutput {@code v} against {@code v . numerical column}). With
 * {@link Options#fastMode()} the inputs are also probed along random directions only, which
 * costs two evaluations of {@code f} per direction instead of two per input element, but cannot
 * name the wrong element. An element passes when
 * {@code |analytical - numerical| <= atol + rtol * |numerical|}.
 *
 * <p><b>Requirements.</b> Inputs that require grad must be float64 (in float32 the rounding error
 * of a finite difference with {@code eps = 1e-6} is larger than the derivative) and must not be
 * expanded views whose elements share memory. Inputs that do not require grad (masks, index
 * tensors, constants) are passed through unchanged. The function must be deterministic and must
 * not depend on values near a kink (relu at 0, abs at 0, ties in max) closer than {@code eps}.
 * Inputs are perturbed in place and restored exactly before the check returns.
 *
 * <p><b>Failure.</b> A mismatch throws {@link GradCheckException}, an {@link AssertionError} that
 * names the input, the element, the output element or direction, and both values.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Settings of a gradient check.
     *
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numerical value
     * @param maxFullOutputs outputs with at most this many elements get their full Jacobian compared;
     *     larger ones are compared along random directions
     * @param projections how many random directions large outputs (and fast mode) are compared along
     * @param fastMode probe inputs along random directions too (cheap, for large inputs)
     * @param seed the seed of the random directions
     */
    public record Options(double eps, double atol, double rtol, int maxFullOutputs, int projections,
            boolean fastMode, long seed) {
        /** Validates the settings. */
        public Options {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
                throw new IllegalArgumentException("GradCheck.Options: eps must be positive and atol, rtol "
                        + "non-negative, got eps " + eps + ", atol " + atol + ", rtol " + rtol);
            }
            if (maxFullOutputs < 0 || projections < 1) {
                throw new IllegalArgumentException("GradCheck.Options: maxFullOutputs must be >= 0 and projections "
                        + ">= 1, got " + maxFullOutputs + " and " + projections);
            }
        }

        /** eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's gradcheck defaults), full Jacobians up to 256 outputs. */
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3, 256, 4, false, 0x6b11_6c4eL);
        }

        /** These options with another finite-difference step. */
        public Options withEps(double value) {
            return new Options(value, atol, rtol, maxFullOutputs, projections, fastMode, seed);
        }

        /** These options with another absolute tolerance. */
        public Options withAtol(double value) {
            return new Options(eps, value, rtol, maxFullOutputs, projections, fastMode, seed);
        }

        /** These options with another relative tolerance. */
        public Options withRtol(double value) {
            return new Options(eps, atol, value, maxFullOutputs, projections, fastMode, seed);
        }

        /** These options with fast mode on or off. */
        public Options withFastMode(boolean value) {
            return new Options(eps, atol, rtol, maxFullOutputs, projections, value, seed);
        }

        /** These options with another seed for the random directions. */
        public Options withSeed(long value) {
            return new Options(eps, atol, rtol, maxFullOutputs, projections, fastMode, value);
        }
    }

    /** Checks the first derivatives of {@code f} at {@code inputs} with the default options. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(Options.defaults(), f, inputs);
    }

    /**
     * Checks the first derivatives of {@code f} at {@code inputs}: {@code f} receives the inputs
     * array (in the order given) and returns one floating tensor of any shape.
     *
     * @throws GradCheckException when a derivative is wrong
     * @throws IllegalArgumentException when no input requires grad, one that does is not float64,
     *     or {@code f} returns null or a non-floating tensor
     */
    public static void check(Options options, Function<Tensor[], Tensor> f, Tensor... inputs) {
        String[] names = new String[inputs.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = "input " + i;
        }
        new Checker(options, f, inputs, names, "GradCheck").run();
    }

    /** Checks the second derivatives of {@code f} at {@code inputs} with the default options. */
    public static void checkSecondOrder(Function<Tensor[], Tensor> f, Tensor... inputs) {
        checkSecondOrder(Options.defaults(), f, inputs);
    }

    /**
     * Checks the derivatives of the gradient of {@code f} (like {@code gradgradcheck}): the
     * gradient {@code g = J^T v} for a seeded random gradOutput {@code v} is computed with
     * {@code createGraph}, so that it is itself a recorded function of the inputs and of {@code v},
     * and that function is checked with {@link #check(Options, Function, Tensor...)} against finite
     * differences of the first gradient. A backward that is not written in differentiable ops, or
     * whose own backward is wrong, fails here.
     *
     * @throws GradCheckException when a second derivative is wrong (the message names the input,
     *     or "gradOutput" for the random direction {@code v})
     */
    public static void checkSecondOrder(Options options, Function<Tensor[], Tensor> f, Tensor... inputs) {
        int[] diff = Checker.validate("GradCheck (second order)", inputs);
        Tensor y;
        try (GradMode.Scope ignored = GradMode.enableGrad()) {
            y = Checker.evaluate("GradCheck (second order)", f, inputs);
        }
        if (!y.requiresGrad()) {
            throw new IllegalArgumentException("GradCheck (second order): the output of shape "
                    + Shapes.str(y.shape()) + " does not depend on any input that requires grad");
        }
        Tensor gradOutput = Tensor.randn(new Generator(options.seed()), DType.FLOAT64, y.shape())
                .to(y.dtype()).requiresGrad(true);
        int n = inputs.length;
        Function<Tensor[], Tensor> firstGradient = xs -> {
            try (GradMode.Scope ignored = GradMode.enableGrad()) {
                Tensor[] args = Arrays.copyOf(xs, n);
                Tensor out = f.apply(args);
                Tensor[] wrt = new Tensor[diff.length];
                for (int i = 0; i < diff.length; i++) {
                    wrt[i] = args[diff[i]];
                }
                Tensor[] grads = out.requiresGrad()
                        ? Autograd.grad(out, wrt, xs[n], true, true)
                        : zerosLike(wrt);
                List<Tensor> flat = new ArrayList<>(grads.length);
                for (Tensor g : grads) {
                    flat.add(g.reshape(-1));
                }
                return Ops.concat(flat, 0);
            }
        };
        Tensor[] all = Arrays.copyOf(inputs, n + 1);
        all[n] = gradOutput;
        String[] names = new String[n + 1];
        for (int i = 0; i < n; i++) {
            names[i] = "input " + i;
        }
        names[n] = "gradOutput";
        new Checker(options, firstGradient, all, names, "GradCheck (second order)").run();
    }

    private static Tensor[] zerosLike(Tensor[] ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = Tensor.zeros(ts[i].dtype(), ts[i].shape());
        }
        return out;
    }

    /** One run of a check: the inputs, their storage positions, and the two Jacobian estimates. */
    private static final class Checker {
        private final Options options;
        private final Function<Tensor[], Tensor> f;
        private final Tensor[] inputs;
        private final String[] names;
        private final String what;
        private final int[] diff;
        private final int[][] positions;

        Checker(Options options, Function<Tensor[], Tensor> f, Tensor[] inputs, String[] names, String what) {
            this.options = options;
            this.f = f;
            this.inputs = inputs;
            this.names = names;
            this.what = what;
            this.diff = validate(what, inputs);
            this.positions = new int[inputs.length][];
            for (int i : diff) {
                positions[i] = storagePositions(inputs[i], names[i]);
            }
        }

        static int[] validate(String what, Tensor[] inputs) {
            List<Integer> diff = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (t == null) {
                    throw new IllegalArgumentException(what + ": input " + i + " is null");
                }
                if (t.requiresGrad()) {
                    if (t.dtype() != DType.FLOAT64) {
                        throw new IllegalArgumentException(what + ": input " + i + " of shape " + Shapes.str(t.shape())
                                + " is " + t.dtype() + "; finite differences need float64 inputs, pass "
                                + "x.to(DType.FLOAT64).detach().requiresGrad(true)");
                    }
                    diff.add(i);
                }
            }
            if (diff.isEmpty()) {
                throw new IllegalArgumentException(what + ": none of the " + inputs.length
                        + " inputs requires grad, so there is nothing to check; call requiresGrad(true) on them");
            }
            return diff.stream().mapToInt(Integer::intValue).toArray();
        }

        static Tensor evaluate(String what, Function<Tensor[], Tensor> f, Tensor[] inputs) {
            Tensor y = f.apply(inputs.clone());
            if (y == null) {
                throw new IllegalArgumentException(what + ": the function returned null");
            }
            if (!y.dtype().isFloating()) {
                throw new IllegalArgumentException(what + ": the function returned a " + y.dtype()
                        + " tensor; only floating outputs have gradients");
            }
            return y;
        }

        /** The storage index of every element in row-major order; shared elements cannot be perturbed alone. */
        private static int[] storagePositions(Tensor t, String name) {
            int[] shape = t.shape();
            int[] strides = t.strides();
            int n = t.numel();
            int[] pos = new int[n];
            int[] index = new int[shape.length];
            for (int e = 0; e < n; e++) {
                int p = t.offset();
                for (int d = 0; d < shape.length; d++) {
                    p += index[d] * strides[d];
                }
                pos[e] = p;
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++index[d] < shape[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            int[] sorted = pos.clone();
            Arrays.sort(sorted);
            for (int e = 1; e < n; e++) {
                if (sorted[e] == sorted[e - 1]) {
                    throw new IllegalArgumentException("GradCheck: " + name + " of shape " + Shapes.str(shape)
                            + " and strides " + Arrays.toString(strides) + " has elements that share memory (an "
                            + "expanded view); pass a tensor with its own storage, e.g. x.copy().requiresGrad(true)");
                }
            }
            return pos;
        }

        void run() {
            Tensor y;
            try (GradMode.Scope ignored = GradMode.enableGrad()) {
                y = evaluate(what, f, inputs);
            }
            int[] outShape = y.shape();
            int outN = y.numel();
            if (outN == 0) {
                return;
            }
            if (options.fastMode()) {
                runFast(y);
                return;
            }
            boolean full = outN <= options.maxFullOutputs();
            double[][] directions = full ? oneHots(outN) : randomDirections(options.projections(), outN);
            double[][][] analytical = analytical(y, directions);
            for (int k = 0; k < diff.length; k++) {
                int i = diff[k];
                int[] pos = positions[i];
                for (int e = 0; e < pos.length; e++) {
                    double[] column = numericalColumn(pos[e], i, outShape, inputs[i].storage());
                    for (int v = 0; v < directions.length; v++) {
                        double numerical = dot(directions[v], column);
                        double a = analytical[v][k][e];
                        if (!close(a, numerical)) {
                            String against = full ? "output element " + Arrays.toString(unravel(v, outShape))
                                    : "random output direction " + v;
                            int[] element = unravel(e, inputs[i].shape());
                            throw new GradCheckException(String.format(Locale.ROOT,
                                    "%s: wrong derivative of %s with respect to %s (shape %s) at element %s: "
                                            + "analytical %.10g vs numerical %.10g (difference %.3g, tolerance %.3g "
                                            + "= atol %.1g + rtol %.1g * |numerical|)",
                                    what, against, names[i], Shapes.str(inputs[i].shape()),
                                    Arrays.toString(element), a, numerical, Math.abs(a - numerical),
                                    tolerance(numerical), options.atol(), options.rtol()),
                                    i, element, a, numerical);
                        }
                    }
                }
            }
        }

        /** analytical[direction][k][element]: the gradient of input diff[k] for gradOutput = direction. */
        private double[][][] analytical(Tensor y, double[][] directions) {
            double[][][] out = new double[directions.length][diff.length][];
            Tensor[] wrt = new Tensor[diff.length];
            for (int k = 0; k < diff.length; k++) {
                wrt[k] = inputs[diff[k]];
            }
            for (int v = 0; v < directions.length; v++) {
                Tensor[] grads;
                if (!y.requiresGrad()) {
                    grads = zerosLike(wrt);
                } else {
                    Tensor gradOutput = Tensor.of(directions[v], y.shape()).to(y.dtype());
                    try (GradMode.Scope ignored = GradMode.enableGrad()) {
                        grads = Autograd.grad(y, wrt, gradOutput, true, false);
                    }
                }
                for (int k = 0; k < diff.length; k++) {
                    Tensor g = grads[k];
                    Tensor in = wrt[k];
                    if (!g.hasShape(in.shape())) {
                        throw new GradCheckException(what + ": the gradient of " + names[diff[k]] + " has shape "
                                + Shapes.str(g.shape()) + " but the input has shape " + Shapes.str(in.shape()),
                                diff[k], new int[0], Double.NaN, Double.NaN);
                    }
                    if (g.dtype() != in.dtype()) {
                        throw new GradCheckException(what + ": the gradient of " + names[diff[k]] + " is "
                                + g.dtype() + " but the input is " + in.dtype(), diff[k], new int[0], Double.NaN,
                                Double.NaN);
                    }
                    out[v][k] = g.toDoubleArray();
                }
            }
            return out;
        }

        /** d f / d x_e for every output element, by central differences on storage position p. */
        private double[] numericalColumn(int p, int input, int[] outShape, Storage storage) {
            double original = storage.getDouble(p);
            double eps = options.eps();
            double[] plus;
            double[] minus;
            try {
                storage.setDouble(p, original + eps);
                plus = evaluateValues(outShape, input);
                storage.setDouble(p, original - eps);
                minus = evaluateValues(outShape, input);
            } finally {
                storage.setDouble(p, original);
            }
            double[] column = new double[plus.length];
            for (int j = 0; j < column.length; j++) {
                column[j] = (plus[j] - minus[j]) / (2 * eps);
            }
            return column;
        }

        private double[] evaluateValues(int[] outShape, int input) {
            Tensor y;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                y = evaluate(what, f, inputs);
            }
            if (!y.hasShape(outShape)) {
                throw new IllegalArgumentException(what + ": the output shape changed from " + Shapes.str(outShape)
                        + " to " + Shapes.str(y.shape()) + " when " + names[input] + " was perturbed");
            }
            return y.toDoubleArray();
        }

        /** Fast mode: compares u . J v for random u (output) and v (all inputs at once). */
        private void runFast(Tensor y) {
            int outN = y.numel();
            Generator gen = new Generator(options.seed());
            for (int r = 0; r < options.projections(); r++) {
                double[] u = normal(gen, outN);
                double[][] v = new double[diff.length][];
                for (int k = 0; k < diff.length; k++) {
                    v[k] = normal(gen, positions[diff[k]].length);
                }
                double[][][] grads = analytical(y, new double[][] {u});
                double a = 0;
                for (int k = 0; k < diff.length; k++) {
                    a += dot(grads[0][k], v[k]);
                }
                double[] plus = perturbedAlong(v, 1, y.shape());
                double[] minus = perturbedAlong(v, -1, y.shape());
                double numerical = 0;
                for (int j = 0; j < outN; j++) {
                    numerical += u[j] * (plus[j] - minus[j]) / (2 * options.eps());
                }
                if (!close(a, numerical)) {
                    throw new GradCheckException(String.format(Locale.ROOT,
                            "%s (fast mode): wrong directional derivative along random direction %d: analytical "
                                    + "%.10g vs numerical %.10g (difference %.3g, tolerance %.3g); rerun without "
                                    + "fastMode to find the input and element",
                            what, r, a, numerical, Math.abs(a - numerical), tolerance(numerical)),
                            -1, new int[0], a, numerical);
                }
            }
        }

        private double[] perturbedAlong(double[][] v, int sign, int[] outShape) {
            double[][] originals = new double[diff.length][];
            try {
                for (int k = 0; k < diff.length; k++) {
                    Storage s = inputs[diff[k]].storage();
                    int[] pos = positions[diff[k]];
                    originals[k] = new double[pos.length];
                    for (int e = 0; e < pos.length; e++) {
                        originals[k][e] = s.getDouble(pos[e]);
                        s.setDouble(pos[e], originals[k][e] + sign * options.eps() * v[k][e]);
                    }
                }
                return evaluateValues(outShape, diff[0]);
            } finally {
                for (int k = 0; k < diff.length; k++) {
                    if (originals[k] == null) {
                        continue;
                    }
                    Storage s = inputs[diff[k]].storage();
                    int[] pos = positions[diff[k]];
                    for (int e = 0; e < pos.length; e++) {
                        s.setDouble(pos[e], originals[k][e]);
                    }
                }
            }
        }

        private boolean close(double analytical, double numerical) {
            return Math.abs(analytical - numerical) <= tolerance(numerical);
        }

        private double tolerance(double numerical) {
            return options.atol() + options.rtol() * Math.abs(numerical);
        }

        private double[][] randomDirections(int count, int n) {
            Generator gen = new Generator(options.seed());
            double[][] out = new double[count][];
            for (int v = 0; v < count; v++) {
                out[v] = normal(gen, n);
            }
            return out;
        }

        private static double[] normal(Generator gen, int n) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = gen.nextGaussian();
            }
            return v;
        }

        private static double[][] oneHots(int n) {
            double[][] out = new double[n][n];
            for (int j = 0; j < n; j++) {
                out[j][j] = 1;
            }
            return out;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        private static int[] unravel(int flat, int[] shape) {
            int[] index = new int[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d] = flat % shape[d];
                flat /= shape[d];
            }
            return index;
        }
    }
}
