package dev.kiln.backend.cpu;

import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * Reductions over any set of dimensions. Two layouts get dedicated loops because training hits
 * them on every step: reducing the trailing dimensions of a contiguous tensor (row sums, softmax)
 * and reducing the leading ones (bias gradients: column sums, accumulated row by row so the
 * inner loop vectorizes). Everything else goes through a permuted strided walk.
 */
final class ReduceKernels {
    private ReduceKernels() {}

    static void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        int[] shape = x.shape();
        int rank = shape.length;
        int inner = 1;
        int outer = 1;
        int split = rank;
        // Find whether the reduced dimensions are exactly a suffix or exactly a prefix.
        boolean suffix = true;
        boolean prefix = true;
        boolean seenReduced = false;
        boolean seenKept = false;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                seenReduced = true;
                if (seenKept) {
                    prefix = false;
                }
            } else {
                seenKept = true;
                if (seenReduced) {
                    suffix = false;
                }
            }
        }
        if (x.isContiguous() && x.dtype() == dev.kiln.tensor.DType.FLOAT32 && rank > 0) {
            if (suffix) {
                for (int d = 0; d < rank; d++) {
                    if (reduced[d] && split == rank) {
                        split = d;
                    }
                }
                for (int d = 0; d < rank; d++) {
                    if (d < split) {
                        outer *= shape[d];
                    } else {
                        inner *= shape[d];
                    }
                }
                reduceRows(op, x.storage().floats(), x.offset(), outer, inner, out.storage().floats(), out.offset());
                return;
            }
            if (prefix) {
                for (int d = 0; d < rank; d++) {
                    if (reduced[d]) {
                        outer *= shape[d];
                    } else {
                        inner *= shape[d];
                    }
                }
                reduceColumns(op, x.storage().floats(), x.offset(), outer, inner, out.storage().floats(), out.offset());
                return;
            }
        }
        reduceGeneral(op, x, reduced, out);
    }

    /** out[i] = reduce(x[i, :]) for a contiguous [outer, inner] block. */
    private static void reduceRows(ReduceOp op, float[] x, int xo, int outer, int inner, float[] o, int oo) {
        Parallel.forRange(outer, inner, (start, end) -> {
            for (int i = start; i < end; i++) {
                int base = xo + i * inner;
                switch (op) {
                    case SUM -> o[oo + i] = (float) sumRow(x, base, inner);
                    case MAX -> {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < inner; j++) {
                            m = maxNan(m, x[base + j]);
                        }
                        o[oo + i] = m;
                    }
                    case MIN -> {
                        float m = Float.POSITIVE_INFINITY;
                        for (int j = 0; j < inner; j++) {
                            m = minNan(m, x[base + j]);
                        }
                        o[oo + i] = m;
                    }
                }
            }
        });
    }

    /**
     * The sum of x[base, base + n). Blocks of {@link #BLOCK} elements are summed in float with four
     * partial sums (short dependency chains, vectorizable) and the block sums in double: one float
     * accumulator over a million elements would lose about a quarter of a percent.
     */
    private static double sumRow(float[] x, int base, int n) {
        double total = 0;
        for (int startOfBlock = 0; startOfBlock < n; startOfBlock += BLOCK) {
            int end = Math.min(n, startOfBlock + BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int j = startOfBlock;
            for (; j + 3 < end; j += 4) {
                s0 += x[base + j];
                s1 += x[base + j + 1];
                s2 += x[base + j + 2];
                s3 += x[base + j + 3];
            }
            for (; j < end; j++) {
                s0 += x[base + j];
            }
            total += (s0 + s1) + (s2 + s3);
        }
        return total;
    }

    /** Elements summed in float (over four partial sums) before their sum is added in double. */
    private static final int BLOCK = 256;
    /** Rows a column sum adds in float (one partial sum per column) before adding them in double. */
    private static final int COLUMN_BLOCK = 32;

    /** out[j] = reduce(x[:, j]) for a contiguous [outer, inner] block, walking x row by row. */
    private static void reduceColumns(ReduceOp op, float[] x, int xo, int outer, int inner, float[] o, int oo) {
        Parallel.forRange(inner, outer, (start, end) -> {
            float init = switch (op) {
                case SUM -> 0f;
                case MAX -> Float.NEGATIVE_INFINITY;
                case MIN -> Float.POSITIVE_INFINITY;
            };
            for (int j = start; j < end; j++) {
                o[oo + j] = init;
            }
            // Sums run in float over blocks of rows, then are added in double (see sumRow).
            double[] total = op == ReduceOp.SUM ? new double[end - start] : null;
            for (int i = 0; i < outer; i++) {
                int base = xo + i * inner;
                switch (op) {
                    case SUM -> {
                        for (int j = start; j < end; j++) {
                            o[oo + j] += x[base + j];
                        }
                        if ((i + 1) % COLUMN_BLOCK == 0 || i == outer - 1) {
                            for (int j = start; j < end; j++) {
                                total[j - start] += o[oo + j];
                                o[oo + j] = 0;
                            }
                        }
                    }
                    case MAX -> {
                        for (int j = start; j < end; j++) {
                            o[oo + j] = maxNan(o[oo + j], x[base + j]);
                        }
                    }
                    case MIN -> {
                        for (int j = start; j < end; j++) {
                            o[oo + j] = minNan(o[oo + j], x[base + j]);
                        }
                    }
                }
            }
            if (total != null) {
                for (int j = start; j < end; j++) {
                    o[oo + j] = (float) total[j - start];
                }
            }
        });
    }

    private static float maxNan(float a, float b) {
        return Math.max(a, b);
    }

    private static float minNan(float a, float b) {
        return Math.min(a, b);
    }

    /**
     * Any layout and dtype: x is viewed with the kept dimensions first and the reduced ones last,
     * so that each run of {@code count} consecutive elements in that order belongs to one output.
     */
    private static void reduceGeneral(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int rank = shape.length;
        int[] ps = new int[rank];
        int[] pst = new int[rank];
        int k = 0;
        int count = 1;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                ps[k] = shape[d];
                pst[k++] = strides[d];
            }
        }
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                ps[k] = shape[d];
                pst[k++] = strides[d];
                count *= shape[d];
            }
        }
        Tensor permuted = new Tensor(x.storage(), ps, pst, x.offset());
        int outputs = out.numel();
        if (!x.dtype().isFloating()) {
            reduceIntegers(op, permuted, count, outputs, out);
            return;
        }
        double init = switch (op) {
            case SUM -> 0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
        double[] acc = new double[outputs];
        java.util.Arrays.fill(acc, init);
        Storage s = x.storage();
        StridedLoop loop = StridedLoop.over(ps, permuted);
        int n = loop.rowLength();
        int stride = loop.innerStride(0);
        int per = Math.max(count, 1);
        int[] position = {0};
        loop.forEachRow(off -> {
            int p = position[0];
            for (int i = 0; i < n; i++) {
                int slot = (p + i) / per;
                double v = s.getDouble(off[0] + i * stride);
                acc[slot] = switch (op) {
                    case SUM -> acc[slot] + v;
                    case MAX -> Double.isNaN(v) || Double.isNaN(acc[slot]) ? Double.NaN : Math.max(acc[slot], v);
                    case MIN -> Double.isNaN(v) || Double.isNaN(acc[slot]) ? Double.NaN : Math.min(acc[slot], v);
                };
            }
            position[0] = p + n;
        });
        Storage o = out.storage();
        for (int i = 0; i < outputs; i++) {
            o.setDouble(out.offset() + i, acc[i]);
        }
    }

    /** reduceGeneral for integer tensors, exact in long (x already permuted: kept dimensions first). */
    private static void reduceIntegers(ReduceOp op, Tensor permuted, int count, int outputs, Tensor out) {
        long init = switch (op) {
            case SUM -> 0;
            case MAX -> Long.MIN_VALUE;
            case MIN -> Long.MAX_VALUE;
        };
        long[] acc = new long[outputs];
        java.util.Arrays.fill(acc, init);
        Storage s = permuted.storage();
        StridedLoop loop = StridedLoop.over(permuted.shape(), permuted);
        int n = loop.rowLength();
        int stride = loop.innerStride(0);
        int per = Math.max(count, 1);
        int[] position = {0};
        loop.forEachRow(off -> {
            int p = position[0];
            for (int i = 0; i < n; i++) {
                int slot = (p + i) / per;
                long v = s.getLong(off[0] + i * stride);
                acc[slot] = switch (op) {
                    case SUM -> acc[slot] + v;
                    case MAX -> Math.max(acc[slot], v);
                    case MIN -> Math.min(acc[slot], v);
                };
            }
            position[0] = p + n;
        });
        Storage o = out.storage();
        for (int i = 0; i < outputs; i++) {
            o.setLong(out.offset() + i, acc[i]);
        }
    }

    /** Index of the first largest (or smallest) element along dim; NaN counts as largest, as in PyTorch. */
    static void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        int rank = x.dim();
        int[] order = new int[rank];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != dim) {
                order[k++] = d;
            }
        }
        order[rank - 1] = dim;
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] ps = new int[rank];
        int[] pst = new int[rank];
        for (int d = 0; d < rank; d++) {
            ps[d] = shape[order[d]];
            pst[d] = strides[order[d]];
        }
        int len = shape[dim];
        int stride = strides[dim];
        int outputs = out.numel();
        Storage s = x.storage();
        long[] o = out.storage().longs();
        // Walk the kept dimensions with a counter; each output scans len elements along dim.
        int[] counter = new int[rank - 1];
        int base = x.offset();
        for (int i = 0; i < outputs; i++) {
            int best = 0;
            double bestValue = s.getDouble(base);
            for (int j = 1; j < len && !Double.isNaN(bestValue); j++) {
                double v = s.getDouble(base + j * stride);
                if (Double.isNaN(v) || (max ? v > bestValue : v < bestValue)) {
                    best = j;
                    bestValue = v;
                }
            }
            o[out.offset() + i] = best;
            for (int d = rank - 2; d >= 0; d--) {
                counter[d]++;
                base += pst[d];
                if (counter[d] < ps[d]) {
                    break;
                }
                base -= pst[d] * ps[d];
                counter[d] = 0;
            }
        }
    }
}
