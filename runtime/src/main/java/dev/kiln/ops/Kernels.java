package dev.kiln.ops;

import dev.kiln.backend.Backends;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * The forward computations of ops, without autograd: output allocation, dtype promotion and
 * broadcasting in front of the backend's primitives. Ops call these and record their node.
 */
final class Kernels {
    private Kernels() {}

    /** Fails with the op's name on a null argument (a NullPointerException deep in an op would name neither). */
    static void requireArgs(String op, Object... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException(op + ": argument " + (i + 1) + " of " + args.length + " is null");
            }
            if (args[i] instanceof java.util.List<?> list) {
                for (int j = 0; j < list.size(); j++) {
                    if (list.get(j) == null) {
                        throw new IllegalArgumentException(op + ": tensor " + j + " of the list is null");
                    }
                }
            }
        }
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        DType dtype = x.dtype().isFloating() || op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.SIGN
                || op == UnaryOp.RELU || op == UnaryOp.SQUARE ? x.dtype() : DType.FLOAT32;
        Tensor in = x.dtype() == dtype ? x : cast(x, dtype);
        Tensor out = Tensor.empty(dtype, x.shape());
        Backends.of(x).unary(op, in, out);
        return out;
    }

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        DType dtype = DType.promote(a.dtype(), b.dtype());
        if (op == BinaryOp.DIV && !dtype.isFloating()) {
            dtype = DType.FLOAT32;
        }
        Tensor ea = expandTo(a.dtype() == dtype ? a : cast(a, dtype), shape);
        Tensor eb = expandTo(b.dtype() == dtype ? b : cast(b, dtype), shape);
        Tensor out = Tensor.empty(dtype, shape);
        Backends.of(a).binary(op, ea, eb, out);
        return out;
    }

    /** {@code op(a, s)} with the scalar in a's dtype (a scalar never promotes a tensor, as in PyTorch). */
    static Tensor binaryScalar(BinaryOp op, Tensor a, double s) {
        DType dtype = a.dtype().isFloating() || s == Math.rint(s) && op != BinaryOp.DIV ? a.dtype() : DType.FLOAT32;
        Tensor in = a.dtype() == dtype ? a : cast(a, dtype);
        return binary(op.name().toLowerCase(java.util.Locale.ROOT), op, in, Tensor.scalar(dtype, s));
    }

    /** {@code op(s, a)}: the scalar on the left (for {@code s - a}, {@code s / a}, {@code s ^ a}). */
    static Tensor scalarBinary(BinaryOp op, double s, Tensor a) {
        // An integral scalar keeps an integer tensor integer (5 - x), except for true division.
        DType dtype = a.dtype().isFloating() || s == Math.rint(s) && op != BinaryOp.DIV ? a.dtype() : DType.FLOAT32;
        Tensor in = a.dtype() == dtype ? a : cast(a, dtype);
        return binary(op.name().toLowerCase(java.util.Locale.ROOT), op, Tensor.scalar(dtype, s), in);
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape(), a.shape()), b.shape());
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.empty(dtype, shape);
        Backends.of(a).where(expandTo(cond, shape), expandTo(a.dtype() == dtype ? a : cast(a, dtype), shape),
                expandTo(b.dtype() == dtype ? b : cast(b, dtype), shape), out);
        return out;
    }

    /** Reduces over the masked dimensions, keeping them as size 1. */
    static Tensor reduce(ReduceOp op, Tensor x, boolean[] mask) {
        int[] shape = x.shape();
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                shape[d] = 1;
            }
        }
        Tensor out = Tensor.empty(x.dtype(), shape);
        Backends.of(x).reduce(op, x, mask, out);
        return out;
    }

    static Tensor cast(Tensor x, DType dtype) {
        Tensor out = Tensor.empty(dtype, x.shape());
        Backends.of(x).copy(x, out);
        return out;
    }

    static Tensor contiguousCopy(Tensor x) {
        Tensor out = Tensor.empty(x.dtype(), x.shape());
        Backends.of(x).copy(x, out);
        return out;
    }

    /** A stride-0 view of {@code t} with {@code shape} (no copy, no autograd). */
    static Tensor expandTo(Tensor t, int[] shape) {
        int[] s = t.shape();
        if (java.util.Arrays.equals(s, shape)) {
            return t;
        }
        int[] st = t.strides();
        int lead = shape.length - s.length;
        int[] strides = new int[shape.length];
        for (int d = 0; d < s.length; d++) {
            strides[lead + d] = s[d] == 1 && shape[lead + d] != 1 ? 0 : st[d];
        }
        return new Tensor(t.storage(), shape, strides, t.offset(), t.device());
    }

    /** The shape with size-1 entries where {@code mask} is set (the keepDim form of a reduction). */
    static int[] keptShape(int[] shape, boolean[] mask) {
        int[] kept = shape.clone();
        for (int d = 0; d < kept.length; d++) {
            if (mask[d]) {
                kept[d] = 1;
            }
        }
        return kept;
    }

    /** The shape without the masked entries (the result shape of a reduction without keepDim). */
    static int[] droppedShape(int[] shape, boolean[] mask) {
        int n = 0;
        for (boolean m : mask) {
            n += m ? 0 : 1;
        }
        int[] dropped = new int[n];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!mask[d]) {
                dropped[j++] = shape[d];
            }
        }
        return dropped;
    }
}
