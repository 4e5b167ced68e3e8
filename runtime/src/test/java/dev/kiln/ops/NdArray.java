package dev.kiln.ops;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * The test oracle: a row-major n-d array of doubles whose ops are written as plain index loops,
 * independently of Kiln's tensors, strides and kernels, so that an op's forward can be checked
 * against something that shares none of its code.
 */
final class NdArray {
    final int[] shape;
    final double[] data;

    NdArray(int[] shape, double[] data) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        this.shape = shape.clone();
        this.data = data;
    }

    static NdArray zeros(int... shape) {
        return new NdArray(shape, new double[numel(shape)]);
    }

    static NdArray scalar(double v) {
        return new NdArray(new int[0], new double[] {v});
    }

    int rank() {
        return shape.length;
    }

    int numel() {
        return data.length;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    double at(int... index) {
        return data[ravel(index, shape)];
    }

    static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    static int ravel(int[] index, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    static int resolve(int dim, int rank) {
        return dim < 0 ? dim + rank : dim;
    }

    NdArray map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new NdArray(shape, out);
    }

    // ------------------------------------------------------------ broadcasting

    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("reference: no broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The value at {@code index} of the broadcast result shape, read from this smaller array. */
    double broadcastAt(int[] index) {
        int lead = index.length - shape.length;
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = shape[d] == 1 ? 0 : index[lead + d];
            flat = flat * shape[d] + i;
        }
        return data[flat];
    }

    NdArray broadcastTo(int[] target) {
        double[] out = new double[numel(target)];
        for (int i = 0; i < out.length; i++) {
            out[i] = broadcastAt(unravel(i, target));
        }
        return new NdArray(target, out);
    }

    static NdArray zip(NdArray a, NdArray b, DoubleBinaryOperator f) {
        int[] shape = broadcastShape(a.shape, b.shape);
        double[] out = new double[numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, shape);
            out[i] = f.applyAsDouble(a.broadcastAt(idx), b.broadcastAt(idx));
        }
        return new NdArray(shape, out);
    }

    static NdArray where(NdArray cond, NdArray a, NdArray b) {
        int[] shape = broadcastShape(broadcastShape(cond.shape, a.shape), b.shape);
        double[] out = new double[numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = unravel(i, shape);
            out[i] = cond.broadcastAt(idx) != 0 ? a.broadcastAt(idx) : b.broadcastAt(idx);
        }
        return new NdArray(shape, out);
    }

    // ------------------------------------------------------------ reductions

    /** Applies {@code f} to the values of each group of elements that agree on the kept dimensions. */
    NdArray reduce(int[] dims, boolean keepDim, ToDoubleFunction<double[]> f) {
        boolean[] mask = mask(dims);
        int[] kept = shape.clone();
        int count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                kept[d] = 1;
                count *= shape[d];
            }
        }
        int outN = numel(kept);
        double[][] groups = new double[outN][count];
        int[] filled = new int[outN];
        for (int i = 0; i < data.length; i++) {
            int[] idx = unravel(i, shape);
            for (int d = 0; d < idx.length; d++) {
                if (mask[d]) {
                    idx[d] = 0;
                }
            }
            int g = ravel(idx, kept);
            groups[g][filled[g]++] = data[i];
        }
        double[] out = new double[outN];
        for (int g = 0; g < outN; g++) {
            out[g] = f.applyAsDouble(groups[g]);
        }
        if (keepDim) {
            return new NdArray(kept, out);
        }
        int[] dropped = Arrays.stream(range(shape.length)).filter(d -> !mask[d]).map(d -> shape[d]).toArray();
        return new NdArray(dropped, out);
    }

    private boolean[] mask(int[] dims) {
        boolean[] mask = new boolean[shape.length];
        if (dims.length == 0) {
            Arrays.fill(mask, true);
        }
        for (int d : dims) {
            if (shape.length > 0) {
                mask[resolve(d, shape.length)] = true;
            }
        }
        return mask;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    static double mean(double[] v) {
        return sum(v) / v.length;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    static double logsumexp(double[] v) {
        double m = max(v);
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    static double argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Replaces each 1-d line along {@code dim} by {@code f} of it (softmax and friends). */
    NdArray alongDim(int dim, UnaryOperator<double[]> f) {
        if (shape.length == 0) {
            return new NdArray(shape, f.apply(data.clone()));
        }
        int d = resolve(dim, shape.length);
        int len = shape[d];
        double[] out = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            int[] idx = unravel(i, shape);
            if (idx[d] != 0) {
                continue;
            }
            double[] line = new double[len];
            for (int j = 0; j < len; j++) {
                idx[d] = j;
                line[j] = data[ravel(idx, shape)];
            }
            double[] res = f.apply(line);
            for (int j = 0; j < len; j++) {
                idx[d] = j;
                out[ravel(idx, shape)] = res[j];
            }
        }
        return new NdArray(shape, out);
    }

    static double[] softmax(double[] v) {
        double m = max(v);
        double[] e = new double[v.length];
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            e[i] = Math.exp(v[i] - m);
            s += e[i];
        }
        for (int i = 0; i < v.length; i++) {
            e[i] /= s;
        }
        return e;
    }

    static double[] logSoftmax(double[] v) {
        double lse = logsumexp(v);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] - lse;
        }
        return out;
    }

    // ------------------------------------------------------------ matmul (NumPy rules)

    static NdArray matmul(NdArray a, NdArray b) {
        boolean vecA = a.rank() == 1;
        boolean vecB = b.rank() == 1;
        NdArray a2 = vecA ? a.reshape(1, a.shape[0]) : a;
        NdArray b2 = vecB ? b.reshape(b.shape[0], 1) : b;
        int m = a2.shape[a2.rank() - 2];
        int k = a2.shape[a2.rank() - 1];
        int n = b2.shape[b2.rank() - 1];
        int[] batchA = Arrays.copyOf(a2.shape, a2.rank() - 2);
        int[] batchB = Arrays.copyOf(b2.shape, b2.rank() - 2);
        int[] batch = broadcastShape(batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        double[] out = new double[numel(outShape)];
        int[] fullA = Arrays.copyOf(batch, batch.length + 2);
        fullA[batch.length] = m;
        fullA[batch.length + 1] = k;
        int[] fullB = Arrays.copyOf(batch, batch.length + 2);
        fullB[batch.length] = k;
        fullB[batch.length + 1] = n;
        NdArray ea = a2.broadcastTo(fullA);
        NdArray eb = b2.broadcastTo(fullB);
        int batches = numel(batch);
        for (int p = 0; p < batches; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        s += ea.data[(p * m + i) * k + q] * eb.data[(p * k + q) * n + j];
                    }
                    out[(p * m + i) * n + j] = s;
                }
            }
        }
        int[] finalShape = outShape;
        if (vecA && vecB) {
            finalShape = new int[0];
        } else if (vecA) {
            finalShape = dropDim(outShape, outShape.length - 2);
        } else if (vecB) {
            finalShape = dropDim(outShape, outShape.length - 1);
        }
        return new NdArray(finalShape, out);
    }

    private static int[] dropDim(int[] shape, int d) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    // ------------------------------------------------------------ layout

    NdArray reshape(int... newShape) {
        int[] s = newShape.clone();
        int known = 1;
        int infer = -1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                infer = d;
            } else {
                known *= s[d];
            }
        }
        if (infer >= 0) {
            s[infer] = data.length / known;
        }
        return new NdArray(s, data.clone());
    }

    NdArray permute(int... order) {
        int[] resolved = new int[order.length];
        int[] out = new int[order.length];
        for (int d = 0; d < order.length; d++) {
            resolved[d] = resolve(order[d], order.length);
            out[d] = shape[resolved[d]];
        }
        double[] values = new double[data.length];
        for (int i = 0; i < values.length; i++) {
            int[] idx = unravel(i, out);
            int[] src = new int[idx.length];
            for (int d = 0; d < idx.length; d++) {
                src[resolved[d]] = idx[d];
            }
            values[i] = data[ravel(src, shape)];
        }
        return new NdArray(out, values);
    }

    NdArray transpose(int d0, int d1) {
        if (shape.length == 0) {
            return this;
        }
        int[] order = range(shape.length);
        int a = resolve(d0, shape.length);
        int b = resolve(d1, shape.length);
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    NdArray slice(int dim, int start, int end, int step) {
        int d = resolve(dim, shape.length);
        int size = shape[d];
        int s = Math.max(0, Math.min(size, start < 0 ? start + size : start));
        int e = Math.max(0, Math.min(size, end < 0 ? end + size : end));
        int count = 0;
        for (int i = s; i < e; i += step) {
            count++;
        }
        int[] out = shape.clone();
        out[d] = count;
        double[] values = new double[numel(out)];
        for (int i = 0; i < values.length; i++) {
            int[] idx = unravel(i, out);
            idx[d] = s + idx[d] * step;
            values[i] = data[ravel(idx, shape)];
        }
        return new NdArray(out, values);
    }

    NdArray select(int dim, int index) {
        int d = resolve(dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        return slice(d, i, i + 1, 1).reshape(dropDim(shape, d));
    }

    static NdArray concat(List<NdArray> parts, int dim) {
        NdArray first = parts.get(0);
        int d = resolve(dim, first.rank());
        int[] out = first.shape.clone();
        out[d] = 0;
        for (NdArray p : parts) {
            out[d] += p.shape[d];
        }
        double[] values = new double[numel(out)];
        for (int i = 0; i < values.length; i++) {
            int[] idx = unravel(i, out);
            int pos = idx[d];
            for (NdArray p : parts) {
                if (pos < p.shape[d]) {
                    idx[d] = pos;
                    values[i] = p.data[ravel(idx, p.shape)];
                    break;
                }
                pos -= p.shape[d];
            }
        }
        return new NdArray(out, values);
    }

    static NdArray stack(List<NdArray> parts, int dim) {
        int d = resolve(dim, parts.get(0).rank() + 1);
        return concat(parts.stream().map(p -> p.reshape(insertOne(p.shape, d))).toList(), d);
    }

    static int[] insertOne(int[] shape, int d) {
        int[] out = new int[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == d ? 1 : shape[j++];
        }
        return out;
    }

    // ------------------------------------------------------------ indexing

    NdArray gather(int dim, NdArray index) {
        int d = resolve(dim, rank());
        double[] values = new double[index.numel()];
        for (int i = 0; i < values.length; i++) {
            int[] idx = unravel(i, index.shape);
            idx[d] = (int) index.data[i];
            values[i] = data[ravel(idx, shape)];
        }
        return new NdArray(index.shape, values);
    }

    NdArray scatterAdd(int dim, NdArray index, NdArray src) {
        int d = resolve(dim, rank());
        double[] values = data.clone();
        for (int i = 0; i < index.numel(); i++) {
            int[] idx = unravel(i, index.shape);
            idx[d] = (int) index.data[i];
            values[ravel(idx, shape)] += src.data[i];
        }
        return new NdArray(shape, values);
    }

    NdArray indexSelect(int dim, NdArray index) {
        int d = resolve(dim, rank());
        int[] out = shape.clone();
        out[d] = index.numel();
        double[] values = new double[numel(out)];
        for (int i = 0; i < values.length; i++) {
            int[] idx = unravel(i, out);
            idx[d] = (int) index.data[idx[d]];
            values[i] = data[ravel(idx, shape)];
        }
        return new NdArray(out, values);
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    @Override
    public String toString() {
        return Arrays.toString(shape) + " " + Arrays.toString(data);
    }
}
