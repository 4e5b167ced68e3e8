package dev.kiln.backend.cpu;

import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/** gather and scatter-add along one dimension, with every index checked against its range. */
final class IndexKernels {
    private IndexKernels() {}

    /** out[p] = x[p with coordinate dim replaced by index[p]]. */
    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        walk("gather", x, dim, index, (xPos, outPos) -> out.storage().setDouble(outPos, x.storage().getDouble(xPos)),
                out);
    }

    /** out[p with coordinate dim replaced by index[p]] += src[p]. */
    static void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        Storage o = out.storage();
        walk("scatterAdd", out, dim, index, (outPos, srcPos) -> o.setDouble(outPos, o.getDouble(outPos)
                + src.storage().getDouble(srcPos)), src);
    }

    @FunctionalInterface
    private interface Visit {
        void at(int indexedPos, int otherPos);
    }

    /**
     * Walks every position p of {@code index} (row-major), computing the position in
     * {@code indexed} (p with dim replaced by the index value) and in {@code other} (p itself).
     */
    private static void walk(String op, Tensor indexed, int dim, Tensor index, Visit visit, Tensor other) {
        int rank = index.dim();
        int[] shape = index.shape();
        int[] is = index.strides();
        int[] xs = indexed.strides();
        int[] os = other.strides();
        int limit = indexed.size(dim);
        Storage idx = index.storage();
        int total = index.numel();
        int[] counter = new int[rank];
        int ip = index.offset();
        int xp = indexed.offset();
        int opos = other.offset();
        for (int count = 0; count < total; count++) {
            long raw = idx.getLong(ip);
            long v = raw < 0 ? raw + limit : raw;
            if (v < 0 || v >= limit) {
                throw new ShapeException(op + ": index " + raw + " is out of range for dimension " + dim + " of size "
                        + limit);
            }
            visit.at(xp + (int) v * xs[dim], opos);
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                ip += is[d];
                opos += os[d];
                if (d != dim) {
                    xp += xs[d];
                }
                if (counter[d] < shape[d]) {
                    break;
                }
                ip -= is[d] * shape[d];
                opos -= os[d] * shape[d];
                if (d != dim) {
                    xp -= xs[d] * shape[d];
                }
                counter[d] = 0;
            }
        }
    }
}
