package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments to every op: each must fail with a ShapeException or IllegalArgumentException
 * whose message names the op and the offending shapes, dtypes, dimensions or values, never with
 * an ArrayIndexOutOfBounds, NullPointerException, NegativeArraySize or ArithmeticException from
 * deep inside a kernel.
 */
class OpErrorTest {

    private static Tensor t(int... shape) {
        return Tensor.ones(shape);
    }

    private static Tensor ints(int... shape) {
        return Tensor.zeros(DType.INT64, shape);
    }

    private static Tensor idx(long... values) {
        return Tensor.of(values, values.length);
    }

    /** A bad call, the exception type it must raise, and fragments its message must contain. */
    private static Arguments bad(String name, Executable call, Class<? extends IllegalArgumentException> type,
            String... fragments) {
        return Arguments.of(name, call, type, fragments);
    }

    private static Arguments bad(String name, Executable call, String... fragments) {
        return bad(name, call, ShapeException.class, fragments);
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();

        // ---- broadcasting binary ops: the op's name and both shapes
        List<Object[]> binaries = List.of(
                new Object[] {"add", (BinaryOperator<Tensor>) Ops::add},
                new Object[] {"sub", (BinaryOperator<Tensor>) Ops::sub},
                new Object[] {"mul", (BinaryOperator<Tensor>) Ops::mul},
                new Object[] {"div", (BinaryOperator<Tensor>) Ops::div},
                new Object[] {"pow", (BinaryOperator<Tensor>) Ops::pow},
                new Object[] {"maximum", (BinaryOperator<Tensor>) Ops::maximum},
                new Object[] {"minimum", (BinaryOperator<Tensor>) Ops::minimum},
                new Object[] {"eq", (BinaryOperator<Tensor>) Ops::eq},
                new Object[] {"ne", (BinaryOperator<Tensor>) Ops::ne},
                new Object[] {"lt", (BinaryOperator<Tensor>) Ops::lt},
                new Object[] {"le", (BinaryOperator<Tensor>) Ops::le},
                new Object[] {"gt", (BinaryOperator<Tensor>) Ops::gt},
                new Object[] {"ge", (BinaryOperator<Tensor>) Ops::ge});
        for (Object[] b : binaries) {
            String name = (String) b[0];
            @SuppressWarnings("unchecked")
            BinaryOperator<Tensor> op = (BinaryOperator<Tensor>) b[1];
            c.add(bad(name + " broadcast", () -> op.apply(t(2, 3), t(4)), name + ":", "[2, 3]", "[4]",
                    "cannot be broadcast", "3 vs 4"));
            c.add(bad(name + " broadcast batch", () -> op.apply(t(5, 2, 3), t(4, 1, 3)), name + ":", "[5, 2, 3]",
                    "[4, 1, 3]"));
            c.add(bad(name + " null", () -> op.apply(t(2), null), IllegalArgumentException.class, name + ":",
                    "argument 2", "null"));
        }
        c.add(bad("add scalar null", () -> Ops.add((Tensor) null, 1.0), IllegalArgumentException.class, "add:",
                "null"));
        c.add(bad("rsub null", () -> Ops.sub(1.0, null), IllegalArgumentException.class, "rsub:", "null"));
        c.add(bad("rdiv null", () -> Ops.div(1.0, null), IllegalArgumentException.class, "rdiv:", "null"));
        c.add(bad("pow int negative exponent", () -> Ops.pow(ints(3), -2), IllegalArgumentException.class, "pow:",
                "int64", "-2"));
        c.add(bad("clamp NaN bound", () -> Ops.clamp(t(3), Double.NaN, 1), IllegalArgumentException.class, "clamp:",
                "NaN"));
        c.add(bad("gt scalar null", () -> Ops.gt(null, 0.5), IllegalArgumentException.class, "gt:", "null"));

        // ---- element-wise functions: the only bad argument is a missing one
        for (String name : List.of("neg", "exp", "log", "sqrt", "square", "abs", "erf", "relu", "sigmoid", "tanh",
                "gelu")) {
            c.add(bad(name + " null", () -> unary(name, null), IllegalArgumentException.class, name + ":", "null"));
        }
        c.add(bad("softmax dim", () -> Ops.softmax(t(2, 3), 2), "softmax:", "dimension 2", "rank 2"));
        c.add(bad("logSoftmax dim", () -> Ops.logSoftmax(t(2, 3), -3), "logSoftmax:", "dimension -3", "rank 2"));
        c.add(bad("softmax 0-d dim", () -> Ops.softmax(Tensor.scalar(1), 1), "softmax:", "dimension 1", "rank 0"));

        // ---- matmul
        c.add(bad("matmul inner", () -> Ops.matmul(t(128, 784), t(200, 100)),
                "matmul: shapes [128, 784] and [200, 100] cannot be multiplied (784 != 200)"));
        c.add(bad("matmul vectors", () -> Ops.matmul(t(3), t(4)), "matmul: shapes [3] and [4]", "3 != 4"));
        c.add(bad("matmul vector-matrix", () -> Ops.matmul(t(3), t(4, 5)), "matmul: shapes [3] and [4, 5]",
                "3 != 4"));
        c.add(bad("matmul batched inner", () -> Ops.matmul(t(2, 3, 4), t(2, 5, 6)), "matmul:", "[2, 3, 4]",
                "[2, 5, 6]", "4 != 5"));
        c.add(bad("matmul batch broadcast", () -> Ops.matmul(t(2, 3, 4), t(3, 4, 5)), "matmul:", "batch",
                "[2, 3, 4]", "[3, 4, 5]"));
        c.add(bad("matmul scalar", () -> Ops.matmul(Tensor.scalar(2), t(3)), "matmul:", "[]", "[3]", "mul"));
        c.add(bad("matmul dtypes", () -> Ops.matmul(t(2, 3), Tensor.ones(DType.FLOAT64, 3, 2)), "matmul:",
                "float32", "float64"));
        c.add(bad("matmul ints", () -> Ops.matmul(ints(2, 3), ints(3, 2)), "matmul:", "int64"));

        // ---- reductions
        for (String name : List.of("sum", "mean", "max", "min", "logsumexp")) {
            c.add(bad(name + " dim range", () -> reduce(name, t(2, 3), new int[] {2}), name + ":", "dimension 2",
                    "rank 2", "-2 to 1"));
            c.add(bad(name + " negative dim range", () -> reduce(name, t(2, 3), new int[] {-3}), name + ":",
                    "dimension -3"));
            c.add(bad(name + " repeated dim", () -> reduce(name, t(2, 3), new int[] {1, -1}), name + ":",
                    "appears twice"));
            c.add(bad(name + " null dims", () -> reduce(name, t(2, 3), null), IllegalArgumentException.class,
                    name + ":", "null"));
        }
        c.add(bad("mean int", () -> Ops.mean(ints(2, 3), new int[0], false), "mean:", "int64", "floating"));
        c.add(bad("max empty", () -> Ops.max(t(0, 3), new int[] {0}, false), "max:", "dimension 0", "size 0",
                "[0, 3]"));
        c.add(bad("min empty all", () -> Ops.min(t(0), new int[0], false), "min:", "size 0", "[0]"));
        for (String name : List.of("argmax", "argmin")) {
            c.add(bad(name + " dim range", () -> arg(name, t(2, 3), 2), name + ":", "dimension 2", "rank 2"));
            c.add(bad(name + " 0-d dim range", () -> arg(name, Tensor.scalar(1), 1), name + ":", "dimension 1",
                    "rank 0"));
            c.add(bad(name + " empty", () -> arg(name, t(2, 0), 1), name + ":", "size 0", "[2, 0]"));
        }

        // ---- views and layout
        c.add(bad("transpose dim", () -> Ops.transpose(t(2, 3), 0, 2), "transpose:", "dimension 2", "rank 2"));
        c.add(bad("transpose 0-d", () -> Ops.transpose(Tensor.scalar(1), 0, 1), "transpose:", "dimension 1",
                "rank 0"));
        c.add(bad("t 3-d", () -> t(2, 3, 4).t(), "t:", "[2, 3, 4]"));
        c.add(bad("permute length", () -> Ops.permute(t(2, 3), 0), "permute:", "[0]", "[2, 3]"));
        c.add(bad("permute repeated", () -> Ops.permute(t(2, 3, 4), 0, 2, -1), "permute:", "appears twice"));
        c.add(bad("permute range", () -> Ops.permute(t(2, 3), 0, 2), "permute:", "dimension 2"));
        c.add(bad("reshape numel", () -> Ops.reshape(t(3, 4), 5, 5), "reshape:", "[5, 5]", "12 elements",
                "[3, 4]"));
        c.add(bad("reshape two -1", () -> Ops.reshape(t(3, 4), -1, -1), "reshape:", "only one", "-1"));
        c.add(bad("reshape negative", () -> Ops.reshape(t(3, 4), -2, -6), "reshape:", "-2"));
        c.add(bad("reshape -1 indivisible", () -> Ops.reshape(t(3, 4), 5, -1), "reshape:", "[5, -1]", "12"));
        c.add(bad("view needs copy", () -> Ops.view(t(3, 4).t(), 12), "view:", "[4, 3]", "reshape"));
        c.add(bad("view numel", () -> Ops.view(t(3, 4), 7), "view:", "[7]", "12"));
        c.add(bad("expand size", () -> Ops.expand(t(3, 2), 3, 4), "expand:", "[3, 2]", "[3, 4]"));
        c.add(bad("expand fewer dims", () -> Ops.expand(t(2, 3), 3), "expand:", "[2, 3]", "fewer"));
        c.add(bad("expand -1 leading", () -> Ops.expand(t(3), -1, 3), "expand:", "-1", "leading"));
        c.add(bad("expand negative", () -> Ops.expand(t(1), 2, -3), "expand:", "-3"));
        c.add(bad("expand too many elements", () -> Ops.expand(t(1, 1), 100_000, 100_000), "expand:",
                "[100000, 100000]", "2^31-1"));
        c.add(bad("slice step", () -> Ops.slice(t(5), 0, 0, 5, 0), "slice:", "step", "0"));
        c.add(bad("slice negative step", () -> Ops.slice(t(5), 0, 4, 0, -1), "slice:", "step", "-1"));
        c.add(bad("slice dim", () -> Ops.slice(t(5), 1, 0, 5, 1), "slice:", "dimension 1", "rank 1"));
        c.add(bad("slice 0-d", () -> Ops.slice(Tensor.scalar(1), 0, 0, 1, 1), "slice:", "0-d"));
        c.add(bad("select index", () -> Ops.select(t(2, 3), 1, 3), "select:", "index 3", "size 3", "[2, 3]"));
        c.add(bad("select negative index", () -> Ops.select(t(2, 3), 0, -3), "select:", "index -3", "size 2"));
        c.add(bad("select dim", () -> Ops.select(t(2, 3), 2, 0), "select:", "dimension 2"));
        c.add(bad("select 0-d", () -> Ops.select(Tensor.scalar(1), 0, 0), "select:", "0-d"));
        c.add(bad("squeeze dim", () -> Ops.squeeze(t(1, 3), 2), "squeeze:", "dimension 2", "rank 2"));
        c.add(bad("unsqueeze dim", () -> Ops.unsqueeze(t(2, 3), 3), "unsqueeze:", "dimension 3", "rank 3"));
        c.add(bad("unsqueeze negative dim", () -> Ops.unsqueeze(t(2, 3), -4), "unsqueeze:", "dimension -4"));
        c.add(bad("flatten order", () -> Ops.flatten(t(2, 3, 4), 2, 1), "flatten:", "start", "2", "end", "1"));
        c.add(bad("flatten dim", () -> Ops.flatten(t(2, 3), 0, 2), "flatten:", "dimension 2"));
        c.add(bad("contiguous null", () -> Ops.contiguous(null), IllegalArgumentException.class, "contiguous:",
                "null"));
        c.add(bad("cast null dtype", () -> Ops.cast(t(2), null), IllegalArgumentException.class, "cast:", "null"));

        // ---- joining and splitting
        c.add(bad("concat empty list", () -> Ops.concat(List.of(), 0), "concat:", "at least one"));
        c.add(bad("concat shapes", () -> Ops.concat(List.of(t(2, 3), t(2, 4)), 0), "concat:", "tensor 1",
                "[2, 4]", "[2, 3]", "dimension 1"));
        c.add(bad("concat ranks", () -> Ops.concat(List.of(t(2, 3), t(3)), 0), "concat:", "[3]", "[2, 3]",
                "ranks"));
        c.add(bad("concat dtypes", () -> Ops.concat(List.of(t(2), ints(2)), 0), "concat:", "int64", "float32"));
        c.add(bad("concat 0-d", () -> Ops.concat(List.of(Tensor.scalar(1), Tensor.scalar(2)), 0), "concat:", "0-d",
                "stack"));
        c.add(bad("concat dim", () -> Ops.concat(List.of(t(2, 3), t(2, 3)), 2), "concat:", "dimension 2"));
        c.add(bad("concat null element", () -> Ops.concat(Arrays.asList(t(2), null), 0),
                IllegalArgumentException.class, "concat:", "tensor 1", "null"));
        c.add(bad("stack empty", () -> Ops.stack(List.of(), 0), "stack:", "at least one"));
        c.add(bad("stack shapes", () -> Ops.stack(List.of(t(2, 3), t(3, 2)), 0), "stack:", "tensor 1", "[3, 2]",
                "[2, 3]"));
        c.add(bad("stack dim", () -> Ops.stack(List.of(t(2), t(2)), 2), "stack:", "dimension 2", "rank 2"));
        c.add(bad("split sum", () -> Ops.split(t(2, 5), new int[] {2, 2}, 1), "split:", "[2, 2]", "4", "[2, 5]",
                "5"));
        c.add(bad("split negative", () -> Ops.split(t(5), new int[] {-1, 6}, 0), "split:", "-1"));
        c.add(bad("split 0-d", () -> Ops.split(Tensor.scalar(1), new int[] {1}, 0), "split:", "0-d"));
        c.add(bad("split dim", () -> Ops.split(t(5), new int[] {5}, 1), "split:", "dimension 1"));

        // ---- indexing
        c.add(bad("gather float index", () -> Ops.gather(t(2, 3), 1, t(2, 1)), "gather:", "index", "float32",
                "integer"));
        c.add(bad("gather rank", () -> Ops.gather(t(2, 3), 1, ints(2)), "gather:", "[2]", "[2, 3]", "rank"));
        c.add(bad("gather index value", () -> Ops.gather(t(2, 3), 1, Tensor.of(new long[] {0, 3}, 2, 1)),
                "gather:", "index 3", "dimension 1", "size 3"));
        c.add(bad("gather negative index value", () -> Ops.gather(t(2, 3), 0, Tensor.of(new long[] {-3}, 1, 1)),
                "gather:", "index -3", "size 2"));
        c.add(bad("gather index too large", () -> Ops.gather(t(2, 3), 1, ints(3, 1)), "gather:", "[3, 1]",
                "[2, 3]", "dimension 0"));
        c.add(bad("gather dim", () -> Ops.gather(t(2, 3), 2, ints(2, 3)), "gather:", "dimension 2"));
        c.add(bad("gather 0-d", () -> Ops.gather(Tensor.scalar(1), 0, ints()), "gather:", "0-d"));
        c.add(bad("scatterAdd src shape", () -> Ops.scatterAdd(t(2, 3), 1, ints(2, 2), t(2, 3)), "scatterAdd:",
                "src", "[2, 3]", "[2, 2]"));
        c.add(bad("scatterAdd index too large", () -> Ops.scatterAdd(t(2, 3), 1, ints(4, 2), t(4, 2)),
                "scatterAdd:", "[4, 2]", "[2, 3]", "dimension 0"));
        c.add(bad("scatterAdd index value", () -> Ops.scatterAdd(t(2, 3), 0, Tensor.of(new long[] {2}, 1, 1),
                t(1, 1)), "scatterAdd:", "index 2", "dimension 0", "size 2"));
        c.add(bad("scatterAdd dtypes", () -> Ops.scatterAdd(t(2, 3), 1, ints(2, 1), Tensor.ones(DType.FLOAT64, 2,
                1)), "scatterAdd:", "float64", "float32"));
        c.add(bad("scatterAdd float index", () -> Ops.scatterAdd(t(2, 3), 1, t(2, 1), t(2, 1)), "scatterAdd:",
                "index", "integer"));
        c.add(bad("indexSelect 2-d index", () -> Ops.indexSelect(t(3, 4), 0, ints(2, 2)), "indexSelect:", "1-d",
                "[2, 2]"));
        c.add(bad("indexSelect float index", () -> Ops.indexSelect(t(3, 4), 0, t(2)), "indexSelect:", "integer",
                "float32"));
        c.add(bad("indexSelect value", () -> Ops.indexSelect(t(3, 4), 1, idx(0, 4)), "indexSelect:", "index 4",
                "position 1", "size 4", "[3, 4]"));
        c.add(bad("indexSelect dim", () -> Ops.indexSelect(t(3, 4), 2, idx(0)), "indexSelect:", "dimension 2"));
        c.add(bad("indexSelect 0-d", () -> Ops.indexSelect(Tensor.scalar(1), 0, idx(0)), "indexSelect:", "0-d"));
        c.add(bad("where broadcast", () -> Ops.where(t(2, 3), t(4), t(1)), "where:", "[2, 3]", "[4]"));
        c.add(bad("where broadcast b", () -> Ops.where(t(3), t(3), t(2)), "where:", "[3]", "[2]"));
        c.add(bad("where null", () -> Ops.where(null, t(3), t(3)), IllegalArgumentException.class, "where:",
                "null"));
        return c.stream();
    }

    private static Tensor unary(String name, Tensor x) {
        return switch (name) {
            case "neg" -> Ops.neg(x);
            case "exp" -> Ops.exp(x);
            case "log" -> Ops.log(x);
            case "sqrt" -> Ops.sqrt(x);
            case "square" -> Ops.square(x);
            case "abs" -> Ops.abs(x);
            case "erf" -> Ops.erf(x);
            case "relu" -> Ops.relu(x);
            case "sigmoid" -> Ops.sigmoid(x);
            case "tanh" -> Ops.tanh(x);
            case "gelu" -> Ops.gelu(x);
            default -> throw new IllegalStateException(name);
        };
    }

    private static Tensor reduce(String name, Tensor x, int[] dims) {
        return switch (name) {
            case "sum" -> Ops.sum(x, dims, false);
            case "mean" -> Ops.mean(x, dims, false);
            case "max" -> Ops.max(x, dims, false);
            case "min" -> Ops.min(x, dims, false);
            case "logsumexp" -> Ops.logsumexp(x, dims, false);
            default -> throw new IllegalStateException(name);
        };
    }

    private static Tensor arg(String name, Tensor x, int dim) {
        return name.equals("argmax") ? Ops.argmax(x, dim, false) : Ops.argmin(x, dim, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badArgumentsFailWithAClearMessage(String name, Executable call, Class<? extends Throwable> type,
            String[] fragments) {
        Throwable e = assertThrows(Throwable.class, call, name + " must fail");
        assertInstanceOf(type, e, () -> name + ": expected " + type.getSimpleName() + " but got " + e);
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message != null && message.contains(fragment),
                    () -> name + ": the message should contain '" + fragment + "' but was: " + message);
        }
    }
}
