package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * Embedding lookup: rows of a {@code [V, D]} table picked by integer indices of any shape; the
 * result has the indices' shape plus {@code D}. The backward adds each output row's gradient into
 * its table row (rows looked up twice get both), except the padding row, which never learns.
 */
final class EmbeddingOp {
    private EmbeddingOp() {}

    /** Marks "no padding index". */
    static final int NO_PADDING = Integer.MIN_VALUE;

    static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        if (indices.dtype().isFloating()) {
            throw new ShapeException("embedding: indices must be an integer tensor (INT64 or INT32), got "
                    + indices.dtype());
        }
        if (!weight.dtype().isFloating()) {
            throw new ShapeException("embedding: weight must be floating, got " + weight.dtype());
        }
        if (weight.dim() != 2) {
            throw new ShapeException("embedding: weight of shape " + Shapes.str(weight.shape())
                    + " must be 2-d [num_embeddings, embedding_dim]");
        }
        int rows = weight.size(0);
        int dim = weight.size(1);
        int pad = resolvePadding(paddingIdx, rows);
        long[] idx = indices.toLongArray();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= rows) {
                throw new ShapeException("embedding: index " + idx[i] + " (at flat position " + i
                        + ") is out of range for a table of " + rows + " rows (weight of shape "
                        + Shapes.str(weight.shape()) + ")");
            }
        }
        int[] outShape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        outShape[indices.dim()] = dim;
        return gatherRows(weight, idx, NO_PADDING, pad, outShape);
    }

    /**
     * Rows {@code idx} of {@code table}, zero where the index is {@code zeroRow}, viewed as {@code outShape};
     * its backward adds the rows back, skipping {@code skipRow} (the padding row never gets a gradient).
     */
    private static Tensor gatherRows(Tensor table, long[] idx, int zeroRow, int skipRow, int[] outShape) {
        int dim = table.size(1);
        Tensor src = Convolution.dense(table);
        Tensor out = Tensor.zeros(table.dtype(), outShape);
        Object from = ConvKernels.array(src);
        Object to = ConvKernels.array(out);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] != zeroRow) {
                System.arraycopy(from, src.offset() + (int) idx[i] * dim, to, i * dim, dim);
            }
        }
        if (Autograd.needsGrad(table)) {
            int[] tableShape = table.shape();
            Autograd.record(out, new Node("embedding", table) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {scatterRows(g, idx, skipRow, tableShape)};
                }
            });
        }
        return out;
    }

    /** Adds row i of {@code g} (any shape ending in D) into row {@code idx[i]} of a zero table, skipping {@code skipRow}. */
    private static Tensor scatterRows(Tensor g, long[] idx, int skipRow, int[] tableShape) {
        int dim = tableShape[1];
        Tensor src = Convolution.dense(g);
        Tensor out = Tensor.zeros(g.dtype(), tableShape);
        Object from = ConvKernels.array(src);
        Object to = ConvKernels.array(out);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] == skipRow) {
                continue;
            }
            int row = (int) idx[i] * dim;
            int at = src.offset() + i * dim;
            if (from instanceof float[] f) {
                float[] t = (float[]) to;
                for (int j = 0; j < dim; j++) {
                    t[row + j] += f[at + j];
                }
            } else {
                double[] f = (double[]) from;
                double[] t = (double[]) to;
                for (int j = 0; j < dim; j++) {
                    t[row + j] += f[at + j];
                }
            }
        }
        if (Autograd.needsGrad(g)) {
            int[] gShape = g.shape();
            Autograd.record(out, new Node("embeddingBackward", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {gatherRows(gg, idx, skipRow, skipRow, gShape)};
                }
            });
        }
        return out;
    }

    private static int resolvePadding(int paddingIdx, int rows) {
        if (paddingIdx == NO_PADDING) {
            return NO_PADDING;
        }
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new ShapeException("embedding: padding_idx " + paddingIdx + " must be within [" + -rows + ", "
                    + (rows - 1) + "] for a table of " + rows + " rows");
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }
}
