package dev.kiln.ops;

import static dev.kiln.ops.OpInfo.Layout.CONTIGUOUS;
import static dev.kiln.ops.OpInfo.Layout.STRIDED;
import static dev.kiln.ops.OpInfo.Layout.TRANSPOSED;

import dev.kiln.ops.OpInfo.Domain;
import dev.kiln.ops.OpInfo.Layout;
import dev.kiln.ops.OpInfo.OutDtype;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

/** Every op of {@link Ops} with its reference and samples: the one table the forward and gradient tests run over. */
final class OpTable {
    private OpTable() {}

    /** Integer inputs with a fractional scalar compute in float32, as in PyTorch. */
    private static final OutDtype SCALAR_PROMOTES = (d, s) -> d.isFloating() || s.scalar() == Math.rint(s.scalar())
            ? d : DType.FLOAT32;
    /** True division always gives a floating result. */
    private static final OutDtype FLOATING = (d, s) -> d.isFloating() ? d : DType.FLOAT32;

    static List<OpInfo> all() {
        List<OpInfo> ops = new ArrayList<>();

        // ---- arithmetic of two tensors, broadcasting
        ops.add(binary("add", Ops::add, (x, y) -> x + y, Domain.REAL, Domain.REAL).withInts());
        ops.add(binary("sub", Ops::sub, (x, y) -> x - y, Domain.REAL, Domain.REAL).withInts());
        ops.add(binary("mul", Ops::mul, (x, y) -> x * y, Domain.REAL, Domain.REAL).withInts());
        ops.add(binary("div", Ops::div, (x, y) -> x / y, Domain.REAL, Domain.NONZERO).withInts().outputs(FLOATING));
        ops.add(binary("pow", Ops::pow, Math::pow, Domain.POSITIVE, Domain.REAL));
        ops.add(binary("maximum", Ops::maximum, Math::max, Domain.REAL, Domain.REAL).withInts());
        ops.add(binary("minimum", Ops::minimum, Math::min, Domain.REAL, Domain.REAL).withInts());

        // ---- a tensor and a scalar
        ops.add(scalar("add_scalar", Ops::add, (x, s) -> x + s, Domain.REAL, 2.5, -1, 0).withInts()
                .outputs(SCALAR_PROMOTES));
        ops.add(scalar("sub_scalar", Ops::sub, (x, s) -> x - s, Domain.REAL, 1.5, 3).withInts()
                .outputs(SCALAR_PROMOTES));
        ops.add(scalar("rsub", (t, s) -> Ops.sub(s, t), (x, s) -> s - x, Domain.REAL, 1.5, 3).withInts()
                .outputs(SCALAR_PROMOTES));
        ops.add(scalar("mul_scalar", Ops::mul, (x, s) -> x * s, Domain.REAL, -2.5, 3, 0).withInts()
                .outputs(SCALAR_PROMOTES));
        ops.add(scalar("div_scalar", Ops::div, (x, s) -> x / s, Domain.REAL, 2.5, -4).withInts().outputs(FLOATING));
        ops.add(scalar("rdiv", (t, s) -> Ops.div(s, t), (x, s) -> s / x, Domain.NONZERO, 1.5, -2).withInts()
                .outputs(FLOATING));
        ops.add(scalar("pow_scalar", Ops::pow, Math::pow, Domain.POSITIVE, 2, 3, 0.5, -1.5, 0, 1));
        ops.add(scalar("pow_scalar_negative_base", Ops::pow, Math::pow, Domain.NONZERO, 3, -1, -2, 1));
        ops.add(OpInfo.of("clamp", (t, s) -> Ops.clamp(t[0], s.scalar(), s.scalar() + 1.5),
                (a, s) -> a[0].map(x -> Math.min(Math.max(x, s.scalar()), s.scalar() + 1.5)),
                SampleInputs.withScalar(Domain.REAL, -1, 0, -0.5)).withInts().outputs(FLOATING));

        // ---- element-wise functions
        ops.add(unary("neg", Ops::neg, x -> -x, Domain.REAL).withInts());
        ops.add(unary("exp", Ops::exp, Math::exp, Domain.REAL).withInts().outputs(FLOATING));
        ops.add(unary("log", Ops::log, Math::log, Domain.POSITIVE).withInts().outputs(FLOATING));
        ops.add(unary("sqrt", Ops::sqrt, Math::sqrt, Domain.POSITIVE).withInts().outputs(FLOATING));
        ops.add(unary("square", Ops::square, x -> x * x, Domain.REAL).withInts());
        ops.add(unary("abs", Ops::abs, Math::abs, Domain.NONZERO).withInts());
        ops.add(unary("erf", Ops::erf, References::erf, Domain.REAL));
        ops.add(unary("relu", Ops::relu, x -> x > 0 ? x : 0, Domain.NONZERO).withInts());
        ops.add(unary("sigmoid", Ops::sigmoid, x -> 1 / (1 + Math.exp(-x)), Domain.REAL).withInts()
                .outputs(FLOATING));
        ops.add(unary("tanh", Ops::tanh, Math::tanh, Domain.REAL));
        ops.add(unary("gelu", Ops::gelu, x -> 0.5 * x * (1 + References.erf(x / Math.sqrt(2))), Domain.REAL));
        ops.add(OpInfo.of("softmax", (t, s) -> Ops.softmax(t[0], s.ints()[0]),
                (a, s) -> a[0].alongDim(s.ints()[0], NdArray::softmax), SampleInputs.alongDim(Domain.REAL, false)));
        ops.add(OpInfo.of("logSoftmax", (t, s) -> Ops.logSoftmax(t[0], s.ints()[0]),
                (a, s) -> a[0].alongDim(s.ints()[0], NdArray::logSoftmax), SampleInputs.alongDim(Domain.REAL, false)));

        // ---- comparisons: 0/1 in the promoted dtype, no gradient
        ops.add(comparison("eq", Ops::eq, (x, y) -> x == y));
        ops.add(comparison("ne", Ops::ne, (x, y) -> x != y));
        ops.add(comparison("lt", Ops::lt, (x, y) -> x < y));
        ops.add(comparison("le", Ops::le, (x, y) -> x <= y));
        ops.add(comparison("gt", Ops::gt, (x, y) -> x > y));
        ops.add(comparison("ge", Ops::ge, (x, y) -> x >= y));
        ops.add(scalar("eq_scalar", Ops::eq, (x, s) -> x == s ? 1 : 0, Domain.SMALL_INT, 0, 1).noGrad().withInts());
        ops.add(scalar("lt_scalar", Ops::lt, (x, s) -> x < s ? 1 : 0, Domain.SMALL_INT, 0.5, -1).noGrad().withInts()
                .outputs(SCALAR_PROMOTES));
        ops.add(scalar("ge_scalar", Ops::ge, (x, s) -> x >= s ? 1 : 0, Domain.SMALL_INT, 1, -0.5).noGrad()
                .withInts().outputs(SCALAR_PROMOTES));

        // ---- linear algebra
        ops.add(OpInfo.of("matmul", (t, s) -> Ops.matmul(t[0], t[1]), (a, s) -> NdArray.matmul(a[0], a[1]),
                SampleInputs.matmul()));

        // ---- reductions
        ops.add(reduction("sum", Ops::sum, NdArray::sum).withInts());
        ops.add(reduction("mean", Ops::mean, NdArray::mean));
        ops.add(reduction("max", Ops::max, NdArray::max).withInts());
        ops.add(reduction("min", Ops::min, NdArray::min).withInts());
        ops.add(reduction("logsumexp", Ops::logsumexp, NdArray::logsumexp));
        ops.add(OpInfo.of("argmax", (t, s) -> Ops.argmax(t[0], s.ints()[0], s.flag()),
                (a, s) -> argReference(a[0], s.ints()[0], s.flag(), true), SampleInputs.alongDim(Domain.REAL, true))
                .noGrad().withInts().outputs(DType.INT64));
        ops.add(OpInfo.of("argmin", (t, s) -> Ops.argmin(t[0], s.ints()[0], s.flag()),
                (a, s) -> argReference(a[0], s.ints()[0], s.flag(), false), SampleInputs.alongDim(Domain.REAL, true))
                .noGrad().withInts().outputs(DType.INT64));

        // ---- views and layout
        ops.add(OpInfo.of("transpose", (t, s) -> Ops.transpose(t[0], s.ints()[0], s.ints()[1]),
                (a, s) -> a[0].transpose(s.ints()[0], s.ints()[1]), SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {0, 1}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {0, 2}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {-1, -2}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {1, 2}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {1, 0}},
                    {CONTIGUOUS, new int[] {5}, new int[] {0, 0}},
                    {CONTIGUOUS, new int[] {}, new int[] {0, -1}},
                })).withInts());
        ops.add(OpInfo.of("permute", (t, s) -> Ops.permute(t[0], s.ints()), (a, s) -> a[0].permute(s.ints()),
                SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {2, 0, 1}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {1, 2, 0}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {1, 0}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {-1, 0, 1}},
                    {CONTIGUOUS, new int[] {2, 1, 3, 1}, new int[] {3, 1, 0, 2}},
                    {CONTIGUOUS, new int[] {}, new int[] {}},
                })).withInts());
        Object[][] reshapes = {
            {CONTIGUOUS, new int[] {3, 4}, new int[] {12}},
            {CONTIGUOUS, new int[] {3, 4}, new int[] {2, 6}},
            {CONTIGUOUS, new int[] {3, 4}, new int[] {-1, 3}},
            {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {4, -1}},
            {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {2, 1, 3, 4}},
            {TRANSPOSED, new int[] {3, 4}, new int[] {3, 2, 2}},
            {STRIDED, new int[] {2, 3, 4}, new int[] {6, 4}},
            {CONTIGUOUS, new int[] {}, new int[] {1, 1}},
            {CONTIGUOUS, new int[] {1}, new int[] {}},
            {CONTIGUOUS, new int[] {0, 3}, new int[] {3, 0}},
        };
        ops.add(OpInfo.of("reshape", (t, s) -> Ops.reshape(t[0], s.ints()), (a, s) -> a[0].reshape(s.ints()),
                SampleInputs.withInts(concat(reshapes, new Object[][] {
                    {TRANSPOSED, new int[] {3, 4}, new int[] {12}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {24}},
                    {TRANSPOSED, new int[] {2, 3, 4}, new int[] {-1}},
                }))).withInts());
        ops.add(OpInfo.of("view", (t, s) -> Ops.view(t[0], s.ints()), (a, s) -> a[0].reshape(s.ints()),
                SampleInputs.withInts(reshapes)));
        ops.add(OpInfo.of("expand", (t, s) -> Ops.expand(t[0], s.ints()),
                (a, s) -> a[0].broadcastTo(expandTarget(a[0].shape, s.ints())), SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {3, 1}, new int[] {3, 4}},
                    {CONTIGUOUS, new int[] {1}, new int[] {2, 3}},
                    {CONTIGUOUS, new int[] {}, new int[] {2, 2}},
                    {CONTIGUOUS, new int[] {2, 1, 3}, new int[] {2, 4, 3}},
                    {TRANSPOSED, new int[] {4, 1}, new int[] {2, 4, 5}},
                    {STRIDED, new int[] {3, 1}, new int[] {-1, 4}},
                    {CONTIGUOUS, new int[] {2, 3}, new int[] {2, 3}},
                })));
        ops.add(OpInfo.of("slice", (t, s) -> Ops.slice(t[0], s.ints()[0], s.ints()[1], s.ints()[2], s.ints()[3]),
                (a, s) -> a[0].slice(s.ints()[0], s.ints()[1], s.ints()[2], s.ints()[3]),
                SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {7}, new int[] {0, 1, 6, 2}},
                    {CONTIGUOUS, new int[] {7}, new int[] {0, -5, -1, 1}},
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {1, 0, 4, 3}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {0, 1, 3, 1}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {2, 1, 100, 2}},
                    {CONTIGUOUS, new int[] {5}, new int[] {0, 3, 1, 1}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {-2, -100, 2, 1}},
                    {TRANSPOSED, new int[] {4, 5}, new int[] {-1, 0, 5, 2}},
                })).withInts());
        ops.add(OpInfo.of("select", (t, s) -> Ops.select(t[0], s.ints()[0], s.ints()[1]),
                (a, s) -> a[0].select(s.ints()[0], s.ints()[1]), SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {5}, new int[] {0, 2}},
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {1, -1}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {0, 1}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {-2, 0}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {2, 3}},
                })));
        ops.add(OpInfo.of("squeeze", (t, s) -> Ops.squeeze(t[0]), (a, s) -> a[0].reshape(
                Arrays.stream(a[0].shape).filter(n -> n != 1).toArray()), SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {1, 3, 1}, new int[] {}},
                    {TRANSPOSED, new int[] {2, 1}, new int[] {}},
                    {CONTIGUOUS, new int[] {1}, new int[] {}},
                    {CONTIGUOUS, new int[] {}, new int[] {}},
                    {STRIDED, new int[] {2, 3}, new int[] {}},
                })));
        ops.add(OpInfo.of("squeeze_dim", (t, s) -> Ops.squeeze(t[0], s.ints()[0]),
                (a, s) -> a[0].reshape(squeezeDim(a[0].shape, s.ints()[0])), SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {1, 3, 1}, new int[] {0}},
                    {CONTIGUOUS, new int[] {1, 3, 1}, new int[] {-1}},
                    {CONTIGUOUS, new int[] {1, 3, 1}, new int[] {1}},
                    {CONTIGUOUS, new int[] {}, new int[] {0}},
                    {STRIDED, new int[] {3, 1}, new int[] {1}},
                })));
        ops.add(OpInfo.of("unsqueeze", (t, s) -> Ops.unsqueeze(t[0], s.ints()[0]),
                (a, s) -> a[0].reshape(NdArray.insertOne(a[0].shape, NdArray.resolve(s.ints()[0], a[0].rank() + 1))),
                SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {0}},
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {2}},
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {-1}},
                    {CONTIGUOUS, new int[] {}, new int[] {0}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {1}},
                    {STRIDED, new int[] {5}, new int[] {-2}},
                })));
        ops.add(OpInfo.of("flatten", (t, s) -> Ops.flatten(t[0], s.ints()[0], s.ints()[1]),
                (a, s) -> a[0].reshape(flattenShape(a[0].shape, s.ints()[0], s.ints()[1])),
                SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {0, -1}},
                    {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {1, 2}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {0, 1}},
                    {TRANSPOSED, new int[] {3, 4}, new int[] {0, 1}},
                    {CONTIGUOUS, new int[] {}, new int[] {0, -1}},
                    {CONTIGUOUS, new int[] {3, 4}, new int[] {1, 1}},
                })));
        ops.add(OpInfo.of("contiguous", (t, s) -> Ops.contiguous(t[0]), (a, s) -> a[0], SampleInputs.withInts(
                new Object[][] {
                    {TRANSPOSED, new int[] {3, 4}, new int[] {}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {}},
                    {CONTIGUOUS, new int[] {2, 3}, new int[] {}},
                    {STRIDED, new int[] {}, new int[] {}},
                })).withInts());
        Object[][] castCases = {
            {CONTIGUOUS, new int[] {3, 4}, new int[] {}},
            {TRANSPOSED, new int[] {3, 4}, new int[] {}},
            {STRIDED, new int[] {5}, new int[] {}},
            {CONTIGUOUS, new int[] {}, new int[] {}},
        };
        ops.add(OpInfo.of("cast_float64", (t, s) -> Ops.cast(t[0], DType.FLOAT64), (a, s) -> a[0],
                SampleInputs.withInts(castCases)).withInts().outputs(DType.FLOAT64));
        ops.add(OpInfo.of("cast_float32", (t, s) -> Ops.cast(t[0], DType.FLOAT32), (a, s) -> a[0].map(x -> (float) x),
                SampleInputs.withInts(castCases)).noGrad().withInts().outputs(DType.FLOAT32));
        ops.add(OpInfo.of("cast_int64", (t, s) -> Ops.cast(t[0], DType.INT64), (a, s) -> a[0].map(x -> (long) x),
                SampleInputs.withInts(castCases)).noGrad().outputs(DType.INT64));
        ops.add(OpInfo.of("cast_int32", (t, s) -> Ops.cast(t[0], DType.INT32), (a, s) -> a[0].map(x -> (int) x),
                SampleInputs.withInts(castCases)).noGrad().withInts().outputs(DType.INT32));

        // ---- joining and splitting
        ops.add(OpInfo.of("concat", (t, s) -> Ops.concat(List.of(t), s.ints()[0]),
                (a, s) -> NdArray.concat(List.of(a), s.ints()[0]), SampleInputs.joining(new Object[][] {
                    {new Layout[] {CONTIGUOUS}, new int[][] {{2, 3}, {4, 3}}, 0},
                    {new Layout[] {CONTIGUOUS, TRANSPOSED, STRIDED}, new int[][] {{2, 3}, {2, 1}, {2, 2}}, 1},
                    {new Layout[] {TRANSPOSED, STRIDED}, new int[][] {{2, 3}, {2, 3}}, -1},
                    {new Layout[] {CONTIGUOUS}, new int[][] {{5}, {0}, {2}}, 0},
                    {new Layout[] {STRIDED, CONTIGUOUS}, new int[][] {{2, 3, 4}, {2, 1, 4}}, 1},
                    {new Layout[] {CONTIGUOUS}, new int[][] {{3}}, 0},
                })).withInts());
        ops.add(OpInfo.of("stack", (t, s) -> Ops.stack(List.of(t), s.ints()[0]),
                (a, s) -> NdArray.stack(List.of(a), s.ints()[0]), SampleInputs.joining(new Object[][] {
                    {new Layout[] {CONTIGUOUS}, new int[][] {{3}, {3}}, 0},
                    {new Layout[] {CONTIGUOUS, STRIDED}, new int[][] {{2, 3}, {2, 3}, {2, 3}}, 1},
                    {new Layout[] {TRANSPOSED, CONTIGUOUS}, new int[][] {{2, 3}, {2, 3}}, -1},
                    {new Layout[] {CONTIGUOUS}, new int[][] {{}, {}}, 0},
                    {new Layout[] {STRIDED}, new int[][] {{4}}, -1},
                })));
        ops.add(OpInfo.of("split", (t, s) -> Ops.split(t[0], Arrays.copyOfRange(s.ints(), 2, s.ints().length),
                s.ints()[0]).get(s.ints()[1]), (a, s) -> splitReference(a[0], s.ints()),
                SampleInputs.withInts(new Object[][] {
                    {CONTIGUOUS, new int[] {7}, new int[] {0, 0, 2, 5}},
                    {CONTIGUOUS, new int[] {7}, new int[] {0, 1, 2, 5}},
                    {CONTIGUOUS, new int[] {3, 5}, new int[] {1, 0, 2, 0, 3}},
                    {CONTIGUOUS, new int[] {3, 5}, new int[] {1, 1, 2, 0, 3}},
                    {CONTIGUOUS, new int[] {3, 5}, new int[] {1, 2, 2, 0, 3}},
                    {STRIDED, new int[] {2, 3, 4}, new int[] {-1, 1, 1, 3}},
                    {TRANSPOSED, new int[] {4, 3}, new int[] {0, 1, 1, 3}},
                })));

        // ---- indexing
        ops.add(OpInfo.of("gather", (t, s) -> Ops.gather(t[0], s.ints()[0], t[1]),
                (a, s) -> a[0].gather(s.ints()[0], a[1]), SampleInputs.gather()).withInts());
        ops.add(OpInfo.of("scatterAdd", (t, s) -> Ops.scatterAdd(t[0], s.ints()[0], t[1], t[2]),
                (a, s) -> a[0].scatterAdd(s.ints()[0], a[1], a[2]), SampleInputs.scatterAdd()).withInts());
        ops.add(OpInfo.of("indexSelect", (t, s) -> Ops.indexSelect(t[0], s.ints()[0], t[1]),
                (a, s) -> a[0].indexSelect(s.ints()[0], a[1]), SampleInputs.indexSelect()).withInts());
        ops.add(OpInfo.of("where", (t, s) -> Ops.where(t[0], t[1], t[2]), (a, s) -> NdArray.where(a[0], a[1], a[2]),
                SampleInputs.where()).withInts());
        return ops;
    }

    // ------------------------------------------------------------ builders

    private static OpInfo unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, Domain domain) {
        return OpInfo.of(name, (t, s) -> op.apply(t[0]), (a, s) -> a[0].map(ref), SampleInputs.unary(domain));
    }

    private static OpInfo binary(String name, BinaryOperator<Tensor> op, DoubleBinaryOperator ref, Domain a, Domain b) {
        return OpInfo.of(name, (t, s) -> op.apply(t[0], t[1]), (x, s) -> NdArray.zip(x[0], x[1], ref),
                SampleInputs.binary(a, b));
    }

    private static OpInfo comparison(String name, BinaryOperator<Tensor> op, Compare ref) {
        return binary(name, op, (x, y) -> ref.test(x, y) ? 1 : 0, Domain.SMALL_INT, Domain.SMALL_INT).noGrad()
                .withInts();
    }

    @FunctionalInterface
    private interface Compare {
        boolean test(double x, double y);
    }

    @FunctionalInterface
    private interface ScalarOp {
        Tensor apply(Tensor t, double s);
    }

    private static OpInfo scalar(String name, ScalarOp op, DoubleBinaryOperator ref, Domain domain, double... scalars) {
        return OpInfo.of(name, (t, s) -> op.apply(t[0], s.scalar()),
                (a, s) -> a[0].map(x -> ref.applyAsDouble(x, s.scalar())), SampleInputs.withScalar(domain, scalars));
    }

    @FunctionalInterface
    private interface Reduction {
        Tensor apply(Tensor t, int[] dims, boolean keepDim);
    }

    private static OpInfo reduction(String name, Reduction op, java.util.function.ToDoubleFunction<double[]> ref) {
        return OpInfo.of(name, (t, s) -> op.apply(t[0], s.ints(), s.flag()),
                (a, s) -> a[0].reduce(s.ints(), s.flag(), ref), SampleInputs.reductions(Domain.REAL));
    }

    // ------------------------------------------------------------ reference helpers

    private static NdArray argReference(NdArray a, int dim, boolean keepDim, boolean max) {
        if (a.rank() == 0) {
            return NdArray.scalar(0);
        }
        return a.reduce(new int[] {dim}, keepDim, max ? NdArray::argmax : NdArray::argmin);
    }

    private static int[] expandTarget(int[] shape, int[] requested) {
        int[] target = requested.clone();
        int lead = target.length - shape.length;
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1) {
                target[d] = shape[d - lead];
            }
        }
        return target;
    }

    private static int[] squeezeDim(int[] shape, int dim) {
        if (shape.length == 0) {
            return shape;
        }
        int d = NdArray.resolve(dim, shape.length);
        if (shape[d] != 1) {
            return shape;
        }
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    private static int[] flattenShape(int[] shape, int start, int end) {
        if (shape.length == 0) {
            return new int[] {1};
        }
        int s = NdArray.resolve(start, shape.length);
        int e = NdArray.resolve(end, shape.length);
        List<Integer> out = new ArrayList<>();
        int merged = 1;
        for (int d = 0; d < shape.length; d++) {
            if (d < s || d > e) {
                out.add(shape[d]);
            } else {
                merged *= shape[d];
                if (d == e) {
                    out.add(merged);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** ints = {dim, part, sizes...}. */
    private static NdArray splitReference(NdArray a, int[] ints) {
        int dim = ints[0];
        int part = ints[1];
        int start = 0;
        for (int i = 0; i < part; i++) {
            start += ints[2 + i];
        }
        return a.slice(dim, start, start + ints[2 + part], 1);
    }

    private static Object[][] concat(Object[][] a, Object[][] b) {
        Object[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
