package dev.kiln.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors, ops and kernels: sizes, strides, broadcasting and dimension checks. */
public final class Shapes {
    private Shapes() {}

    /** The number of elements of a shape; fails on negative sizes or more than 2^31-1 elements. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative size");
            }
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has more than 2^31-1 elements, which Kiln tensors cannot hold");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /** NumPy broadcasting of two shapes; the error names the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Whether two shapes broadcast together under NumPy's rules. */
    public static boolean canBroadcast(int[] a, int[] b) {
        for (int i = 1; i <= Math.min(a.length, b.length); i++) {
            int da = a[a.length - i];
            int db = b[b.length - i];
            if (da != db && da != 1 && db != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code from} broadcasts to {@code to} (NumPy rules, {@code to} unchanged). */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int lead = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != 1 && from[i] != to[lead + i]) {
                return false;
            }
        }
        return true;
    }

    /** Resolves a possibly negative dimension against a rank; the error names the op. */
    public static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new ShapeException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected " + -r + " to " + (r - 1) + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** Resolves and de-duplicates a list of dimensions; an empty list means every dimension. */
    public static boolean[] dimMask(String op, int[] dims, int rank) {
        boolean[] mask = new boolean[rank];
        if (dims.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int d : dims) {
            int r = dim(op, d, rank);
            if (rank == 0) {
                continue;
            }
            if (mask[r]) {
                throw new ShapeException(op + ": dimension " + d + " appears twice in " + Arrays.toString(dims));
            }
            mask[r] = true;
        }
        return mask;
    }

    /** {@code [2, 3]}: the form every error message uses. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
