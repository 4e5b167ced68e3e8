package dev.kiln.ops;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One op under test, like PyTorch's OpInfo: how to call it on Kiln tensors, its reference on
 * {@link NdArray}s, the samples (shapes, layouts, arguments, and values from each input's domain)
 * it is tried on, the dtypes its forward is checked in, and whether it has a gradient.
 *
 * @param name the op's name, as it appears in test names
 * @param call calls the op on materialized tensors
 * @param reference computes the expected output with plain loops
 * @param samples the seeded samples the op is tried on
 * @param differentiable whether the op's backward is checked with GradCheck
 * @param dtypes the dtypes the forward is checked in
 * @param outDtype the output dtype for a given input dtype
 * @param f32Tolerance the absolute and relative tolerance of the float32 forward
 */
record OpInfo(String name, Call call, Reference reference, Function<Generator, List<Sample>> samples,
        boolean differentiable, Set<DType> dtypes, OutDtype outDtype, double f32Tolerance) {

    /** The dtype of the op's output for a given input dtype and sample. */
    @FunctionalInterface
    interface OutDtype {
        DType of(DType input, Sample s);
    }

    /** Calls the op under test. */
    @FunctionalInterface
    interface Call {
        Tensor apply(Tensor[] in, Sample s);
    }

    /** The op's reference computation. */
    @FunctionalInterface
    interface Reference {
        NdArray apply(NdArray[] in, Sample s);
    }

    static final Set<DType> FLOATS = Set.of(DType.FLOAT32, DType.FLOAT64);
    static final Set<DType> FLOATS_AND_INTS = Set.of(DType.FLOAT32, DType.FLOAT64, DType.INT64);

    static OpInfo of(String name, Call call, Reference reference, Function<Generator, List<Sample>> samples) {
        return new OpInfo(name, call, reference, samples, true, FLOATS, (d, s) -> d, 1e-5);
    }

    OpInfo noGrad() {
        return new OpInfo(name, call, reference, samples, false, dtypes, outDtype, f32Tolerance);
    }

    OpInfo withInts() {
        return new OpInfo(name, call, reference, samples, differentiable, FLOATS_AND_INTS, outDtype, f32Tolerance);
    }

    OpInfo withDtypes(Set<DType> value) {
        return new OpInfo(name, call, reference, samples, differentiable, value, outDtype, f32Tolerance);
    }

    OpInfo outputs(OutDtype value) {
        return new OpInfo(name, call, reference, samples, differentiable, dtypes, value, f32Tolerance);
    }

    OpInfo outputs(DType fixed) {
        return outputs((d, s) -> fixed);
    }

    OpInfo f32Tolerance(double value) {
        return new OpInfo(name, call, reference, samples, differentiable, dtypes, outDtype, value);
    }

    @Override
    public String toString() {
        return name;
    }

    // ------------------------------------------------------------ samples

    /** What an input is: a differentiable value, an integer index, or a condition mask. */
    enum Role { VALUE, INDEX, MASK }

    /** How an input's elements are laid out in memory. */
    enum Layout {
        /** Row-major without gaps. */
        CONTIGUOUS(""),
        /** The last two dimensions stored swapped (a transposed view); rank &lt; 2 falls back to STRIDED. */
        TRANSPOSED("T"),
        /** Every second element of a larger buffer along the last dimension, at a non-zero offset. */
        STRIDED("S");

        final String tag;

        Layout(String tag) {
            this.tag = tag;
        }
    }

    /** Where an input's values are drawn from: ops like log and div are tried only where they are smooth. */
    @FunctionalInterface
    interface Domain {
        double sample(Generator g);

        /** Uniform in [-2, 2). */
        Domain REAL = g -> 4 * g.nextDouble() - 2;
        /** Uniform in [0.5, 2.5): log, sqrt, pow bases. */
        Domain POSITIVE = g -> 0.5 + 2 * g.nextDouble();
        /** |x| in [0.5, 2) with a random sign: denominators, and kinks (abs, relu) kept away from eps. */
        Domain NONZERO = g -> (g.nextDouble() < 0.5 ? -1 : 1) * (0.5 + 1.5 * g.nextDouble());
        /** Integers in [-2, 2] (as doubles): equality comparisons see ties. */
        Domain SMALL_INT = g -> g.nextInt(5) - 2;
    }

    /** One input of a sample: its values, role and layout. */
    record Input(NdArray value, Role role, Layout layout) {
        String describe() {
            String s = Arrays.toString(value.shape) + layout.tag;
            return role == Role.VALUE ? s : role.name().toLowerCase() + s;
        }
    }

    /**
     * One call of an op: the inputs and the op's other arguments ({@code ints} are dimensions,
     * sizes or indices depending on the op, {@code scalar} a scalar operand, {@code flag} keepDim).
     */
    record Sample(String label, List<Input> inputs, int[] ints, double scalar, boolean flag) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Input in : inputs) {
                sb.append(sb.length() == 0 ? "" : ", ").append(in.describe());
            }
            if (!label.isEmpty()) {
                sb.append(' ').append(label);
            }
            return sb.toString();
        }

        int[] shape(int i) {
            return inputs.get(i).value().shape;
        }
    }

    /** A builder for one sample. */
    static final class SampleBuilder {
        private final Generator g;
        private final List<Input> inputs = new ArrayList<>();
        private int[] ints = new int[0];
        private double scalar;
        private boolean flag;
        private String label = "";

        SampleBuilder(Generator g) {
            this.g = g;
        }

        SampleBuilder value(Domain domain, Layout layout, int... shape) {
            inputs.add(new Input(random(g, domain, shape), Role.VALUE, layout));
            return this;
        }

        SampleBuilder value(Domain domain, int... shape) {
            return value(domain, Layout.CONTIGUOUS, shape);
        }

        SampleBuilder input(NdArray v, Role role, Layout layout) {
            inputs.add(new Input(v, role, layout));
            return this;
        }

        SampleBuilder ints(int... v) {
            ints = v.clone();
            return this;
        }

        SampleBuilder scalar(double v) {
            scalar = v;
            return this;
        }

        SampleBuilder flag(boolean v) {
            flag = v;
            return this;
        }

        SampleBuilder label(String v) {
            label = v;
            return this;
        }

        Sample build() {
            return new Sample(label, List.copyOf(inputs), ints, scalar, flag);
        }
    }

    static NdArray random(Generator g, Domain domain, int... shape) {
        double[] v = new double[NdArray.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = domain.sample(g);
        }
        return new NdArray(shape, v);
    }

    // ------------------------------------------------------------ materializing inputs

    /** The values an input holds once stored in {@code dtype}: what both Kiln and the reference see. */
    static NdArray convert(NdArray v, Role role, DType dtype) {
        if (role != Role.VALUE && role != Role.MASK) {
            return v;
        }
        return switch (dtype) {
            case FLOAT64 -> v;
            case FLOAT32 -> v.map(x -> (float) x);
            case INT32, INT64 -> v.map(x -> Math.rint(2 * x));
        };
    }

    /** The dtype an input is stored in when the op is tried in {@code dtype}. */
    static DType storedDtype(Role role, DType dtype) {
        return role == Role.INDEX ? DType.INT64 : dtype;
    }

    /** A leaf tensor with these values, stored in the given layout. */
    static Tensor materialize(NdArray v, DType dtype, Layout layout) {
        int[] shape = v.shape;
        int rank = shape.length;
        Layout actual = layout == Layout.TRANSPOSED && rank < 2 ? Layout.STRIDED : layout;
        switch (actual) {
            case CONTIGUOUS -> {
                Storage s = Storage.allocate(dtype, v.numel());
                for (int i = 0; i < v.numel(); i++) {
                    s.setDouble(i, v.data[i]);
                }
                return new Tensor(s, shape, Shapes.contiguousStrides(shape), 0);
            }
            case TRANSPOSED -> {
                int[] stored = shape.clone();
                stored[rank - 1] = shape[rank - 2];
                stored[rank - 2] = shape[rank - 1];
                int[] storedStrides = Shapes.contiguousStrides(stored);
                int[] strides = storedStrides.clone();
                strides[rank - 1] = storedStrides[rank - 2];
                strides[rank - 2] = storedStrides[rank - 1];
                Storage s = Storage.allocate(dtype, v.numel());
                return fill(new Tensor(s, shape, strides, 0), v);
            }
            default -> {
                // Gaps hold NaN (or a large integer) so that reading a wrong element shows in the result.
                int[] stored = rank == 0 ? new int[] {3} : shape.clone();
                if (rank > 0) {
                    stored[rank - 1] = 2 * shape[rank - 1] + 1;
                }
                int[] storedStrides = Shapes.contiguousStrides(stored);
                int[] strides = rank == 0 ? new int[0] : storedStrides.clone();
                if (rank > 0) {
                    strides[rank - 1] = 2;
                }
                Storage s = Storage.allocate(dtype, NdArray.numel(stored));
                for (int i = 0; i < s.length(); i++) {
                    s.setDouble(i, dtype.isFloating() ? Double.NaN : 1_000_000);
                }
                return fill(new Tensor(s, shape, strides, 1), v);
            }
        }
    }

    private static Tensor fill(Tensor t, NdArray v) {
        int[] strides = t.strides();
        for (int i = 0; i < v.numel(); i++) {
            int[] idx = NdArray.unravel(i, v.shape);
            int p = t.offset();
            for (int d = 0; d < idx.length; d++) {
                p += idx[d] * strides[d];
            }
            t.storage().setDouble(p, v.data[i]);
        }
        return t;
    }

    /** The values of a tensor, read element by element through its strides (independent of Kiln's copy kernels). */
    static NdArray read(Tensor t) {
        int[] shape = t.shape();
        double[] out = new double[t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(NdArray.unravel(i, shape));
        }
        return new NdArray(shape, out);
    }
}
