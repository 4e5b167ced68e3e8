package dev.kiln.ops;

import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * A classification input ({@code [C]}, {@code [N, C]} or {@code [N, C, d1, ...]}, classes in
 * dimension 1) seen as a {@code [M, C]} matrix with one row per prediction, plus the shape of the
 * per-prediction losses ({@code []}, {@code [N]} or {@code [N, d1, ...]}). Shared by the
 * classification losses, with their target checks.
 *
 * @param matrix the input as {@code [M, C]} (a view where possible, through autograd)
 * @param batchShape the shape of one loss per prediction, which is also the shape of index targets
 */
record ClassRows(Tensor matrix, int[] batchShape, int classes) {

    static ClassRows of(String op, Tensor input) {
        int[] shape = input.shape();
        if (shape.length == 0) {
            throw new ShapeException(op + ": input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), "
                    + "got a 0-d tensor");
        }
        if (!input.dtype().isFloating()) {
            throw new ShapeException(op + ": input must be floating, got " + input.dtype());
        }
        if (shape.length == 1) {
            return new ClassRows(input.reshape(1, shape[0]), new int[0], shape[0]);
        }
        int c = shape[1];
        int[] batch = new int[shape.length - 1];
        batch[0] = shape[0];
        System.arraycopy(shape, 2, batch, 1, shape.length - 2);
        return new ClassRows(moveClassesLast(input), batch, c);
    }

    /** {@code [N, C, d1, ...]} as {@code [N * d1 * ..., C]}. */
    static Tensor moveClassesLast(Tensor t) {
        int rank = t.dim();
        if (rank == 1) {
            return t.reshape(1, t.size(0));
        }
        if (rank == 2) {
            return t;
        }
        int[] order = new int[rank];
        order[0] = 0;
        for (int d = 2; d < rank; d++) {
            order[d - 1] = d;
        }
        order[rank - 1] = 1;
        return t.permute(order).reshape(-1, t.size(1));
    }

    int rows() {
        return matrix.size(0);
    }

    /** The class indices, checked: integer dtype, the batch shape, each in [0, C) unless it is {@code ignoreIndex}. */
    long[] classIndices(String op, Tensor target, int ignoreIndex) {
        if (target.dtype().isFloating()) {
            throw new ShapeException(op + ": class-index targets must be integer (INT64), got " + target.dtype());
        }
        if (!Arrays.equals(target.shape(), batchShape)) {
            throw new ShapeException(op + ": target of shape " + Shapes.str(target.shape())
                    + " must have shape " + Shapes.str(batchShape) + " (one class index per prediction) for an input "
                    + "of " + classes + " classes");
        }
        long[] t = target.toLongArray();
        for (int r = 0; r < t.length; r++) {
            if (t[r] != ignoreIndex && (t[r] < 0 || t[r] >= classes)) {
                throw new ShapeException(op + ": target " + t[r] + " (at flat position " + r + ") is out of bounds for "
                        + classes + " classes");
            }
        }
        return t;
    }

    /** The class weights as doubles, or null: a {@code [C]} tensor. */
    double[] classWeights(String op, Tensor weight) {
        if (weight == null) {
            return null;
        }
        if (!weight.hasShape(classes)) {
            throw new ShapeException(op + ": weight of shape " + Shapes.str(weight.shape()) + " must be [" + classes
                    + "], one weight per class");
        }
        return weight.toDoubleArray();
    }
}
