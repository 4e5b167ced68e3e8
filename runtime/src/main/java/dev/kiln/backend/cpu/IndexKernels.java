package dev.kiln.backend.cpu;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * gather and scatter-add along one dimension, with every index checked against its range. Float32
 * values with int64 or int32 indices (cross-entropy's target lookup, embeddings and their
 * gradients, on every training step) run in tight loops over the index's last dimension; other
 * dtypes go through a generic element walk.
 */
final class IndexKernels {
    private IndexKernels() {}

    /** out[p] = x[p with coordinate dim replaced by index[p]]. */
    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        if (x.dtype() == DType.FLOAT32 && out.dtype() == DType.FLOAT32 && index.dim() > 0) {
            gatherFloat(x, dim, index, out);
            return;
        }
        Storage xs = x.storage();
        Storage os = out.storage();
        boolean floating = x.dtype().isFloating();
        walk("gather", x, dim, index, (xPos, outPos) -> {
            if (floating) {
                os.setDouble(outPos, xs.getDouble(xPos));
            } else {
                os.setLong(outPos, xs.getLong(xPos));
            }
        }, out);
    }

    /** out[p with coordinate dim replaced by index[p]] += src[p]. */
    static void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        if (out.dtype() == DType.FLOAT32 && src.dtype() == DType.FLOAT32 && index.dim() > 0) {
            scatterAddFloat(out, dim, index, src);
            return;
        }
        Storage o = out.storage();
        Storage s = src.storage();
        boolean floating = out.dtype().isFloating();
        walk("scatterAdd", out, dim, index, (outPos, srcPos) -> {
            if (floating) {
                o.setDouble(outPos, o.getDouble(outPos) + s.getDouble(srcPos));
            } else {
                o.setLong(outPos, o.getLong(outPos) + s.getLong(srcPos));
            }
        }, src);
    }

    // ------------------------------------------------------------ float32 fast paths

    private static void gatherFloat(Tensor x, int dim, Tensor index, Tensor out) {
        Lines lines = new Lines(x, dim, index, out);
        if (lines.inner == 0) {
            return;
        }
        float[] xa = x.storage().floats();
        float[] oa = out.storage().floats();
        Parallel.forRange(lines.outer, 2L * lines.inner, (start, end) -> {
            int[] pos = lines.start(start);
            for (int r = start; r < end; r++) {
                int ip = pos[0];
                int xp = pos[1];
                int op = pos[2];
                for (int j = 0; j < lines.inner; j++) {
                    int v = lines.index(ip + j * lines.indexStride, "gather");
                    oa[op + j * lines.otherStride] = xa[xp + j * lines.indexedStride + v * lines.dimStride];
                }
                lines.next(pos);
            }
        });
    }

    /** Single-threaded: two index lines may add into the same element. */
    private static void scatterAddFloat(Tensor out, int dim, Tensor index, Tensor src) {
        Lines lines = new Lines(out, dim, index, src);
        if (lines.inner == 0) {
            return;
        }
        float[] oa = out.storage().floats();
        float[] sa = src.storage().floats();
        int[] pos = lines.start(0);
        for (int r = 0; r < lines.outer; r++) {
            int ip = pos[0];
            int op = pos[1];
            int sp = pos[2];
            for (int j = 0; j < lines.inner; j++) {
                int v = lines.index(ip + j * lines.indexStride, "scatterAdd");
                oa[op + j * lines.indexedStride + v * lines.dimStride] += sa[sp + j * lines.otherStride];
            }
            lines.next(pos);
        }
    }

    /**
     * The index tensor as lines along its last dimension: for each line, the offsets of the index,
     * of the indexed tensor (without the coordinate along dim) and of the other tensor (out for
     * gather, src for scatter-add), which has the index's shape.
     */
    private static final class Lines {
        final int rank;
        final int[] shape;
        final int[] is;
        final int[] xs;
        final int[] os;
        final int dim;
        final int limit;
        final int inner;
        final int outer;
        final int indexStride;
        final int indexedStride;
        final int otherStride;
        final int dimStride;
        final int[] base;
        final long[] longs;
        final int[] ints;
        final Storage other;

        Lines(Tensor indexed, int dim, Tensor index, Tensor otherTensor) {
            rank = index.dim();
            shape = index.shape();
            is = index.strides();
            xs = indexed.strides();
            os = otherTensor.strides();
            this.dim = dim;
            limit = indexed.size(dim);
            inner = shape[rank - 1];
            outer = inner == 0 ? 0 : index.numel() / inner;
            indexStride = is[rank - 1];
            indexedStride = rank - 1 == dim ? 0 : xs[rank - 1];
            otherStride = os[rank - 1];
            dimStride = xs[dim];
            base = new int[] {index.offset(), indexed.offset(), otherTensor.offset()};
            longs = index.dtype() == DType.INT64 ? index.storage().longs() : null;
            ints = index.dtype() == DType.INT32 ? index.storage().ints() : null;
            other = longs == null && ints == null ? index.storage() : null;
        }

        /** Offsets {index, indexed, other} at the start of line {@code line}; the counter follows them. */
        int[] start(int line) {
            int[] pos = new int[3 + Math.max(rank - 1, 0)];
            pos[0] = base[0];
            pos[1] = base[1];
            pos[2] = base[2];
            int rem = line;
            for (int d = rank - 2; d >= 0; d--) {
                int c = rem % shape[d];
                rem /= shape[d];
                pos[3 + d] = c;
                pos[0] += c * is[d];
                pos[2] += c * os[d];
                if (d != dim) {
                    pos[1] += c * xs[d];
                }
            }
            return pos;
        }

        void next(int[] pos) {
            for (int d = rank - 2; d >= 0; d--) {
                if (++pos[3 + d] < shape[d]) {
                    pos[0] += is[d];
                    pos[2] += os[d];
                    if (d != dim) {
                        pos[1] += xs[d];
                    }
                    return;
                }
                pos[3 + d] = 0;
                pos[0] -= is[d] * (shape[d] - 1);
                pos[2] -= os[d] * (shape[d] - 1);
                if (d != dim) {
                    pos[1] -= xs[d] * (shape[d] - 1);
                }
            }
        }

        /** The index at storage position p, wrapped if negative and checked. */
        int index(int p, String op) {
            long raw = longs != null ? longs[p] : ints != null ? ints[p] : other.getLong(p);
            long v = raw < 0 ? raw + limit : raw;
            if (v < 0 || v >= limit) {
                throw outOfRange(op, raw, dim, limit);
            }
            return (int) v;
        }
    }

    private static ShapeException outOfRange(String op, long raw, int dim, int limit) {
        return new ShapeException(op + ": index " + raw + " is out of range for dimension " + dim + " of size "
                + limit);
    }

    // ------------------------------------------------------------ generic walk

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
                throw outOfRange(op, raw, dim, limit);
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
