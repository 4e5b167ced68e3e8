package dev.kiln.backend.cpu;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * The CPU implementation of Kiln's primitives: pure Java, multithreaded through {@link Parallel}
 * for large tensors, with loops the JIT vectorizes and the Vector API matrix multiply.
 */
public final class CpuBackend implements Backend {
    /** The one instance; the backend has no state of its own. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    /** Rough cost of one element of a cheap element-wise op, in the units {@link Parallel#forRange} weighs. */
    private static final long ELEMENT_COST = 1;
    /** Element-wise loops that go through Storage's dtype switch per element. */
    private static final long CONVERT_COST = 4;

    private CpuBackend() {}

    @Override
    public void fill(Tensor out, double value) {
        Storage s = out.storage();
        StridedLoop loop = StridedLoop.over(out.shape(), out);
        int stride = loop.innerStride(0);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] a = s.floats();
                float v = (float) value;
                parallelSegments(loop, ELEMENT_COST, (off, from, count) -> {
                    int p = off[0] + from * stride;
                    if (stride == 1) {
                        java.util.Arrays.fill(a, p, p + count, v);
                    } else {
                        for (int i = 0; i < count; i++) {
                            a[p + i * stride] = v;
                        }
                    }
                });
            }
            case FLOAT64 -> {
                double[] a = s.doubles();
                parallelSegments(loop, ELEMENT_COST, (off, from, count) -> {
                    int p = off[0] + from * stride;
                    for (int i = 0; i < count; i++) {
                        a[p + i * stride] = value;
                    }
                });
            }
            default -> parallelSegments(loop, ELEMENT_COST, (off, from, count) -> {
                int p = off[0] + from * stride;
                for (int i = 0; i < count; i++) {
                    s.setDouble(p + i * stride, value);
                }
            });
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        StridedLoop loop = StridedLoop.over(dst.shape(), src, dst);
        int ss = loop.innerStride(0);
        int ds = loop.innerStride(1);
        Storage from = src.storage();
        Storage to = dst.storage();
        if (src.dtype() == DType.FLOAT32 && dst.dtype() == DType.FLOAT32) {
            float[] a = from.floats();
            float[] b = to.floats();
            parallelSegments(loop, ELEMENT_COST, (off, first, count) -> {
                int sp = off[0] + first * ss;
                int dp = off[1] + first * ds;
                if (ss == 1 && ds == 1) {
                    System.arraycopy(a, sp, b, dp, count);
                } else {
                    for (int i = 0; i < count; i++) {
                        b[dp + i * ds] = a[sp + i * ss];
                    }
                }
            });
        } else if (src.dtype() == DType.FLOAT64 && dst.dtype() == DType.FLOAT64) {
            double[] a = from.doubles();
            double[] b = to.doubles();
            parallelSegments(loop, ELEMENT_COST, (off, first, count) -> {
                int sp = off[0] + first * ss;
                int dp = off[1] + first * ds;
                for (int i = 0; i < count; i++) {
                    b[dp + i * ds] = a[sp + i * ss];
                }
            });
        } else if (!src.dtype().isFloating() && !dst.dtype().isFloating()) {
            parallelSegments(loop, CONVERT_COST, (off, first, count) -> {
                int sp = off[0] + first * ss;
                int dp = off[1] + first * ds;
                for (int i = 0; i < count; i++) {
                    to.setLong(dp + i * ds, from.getLong(sp + i * ss));
                }
            });
        } else {
            parallelSegments(loop, CONVERT_COST, (off, first, count) -> {
                int sp = off[0] + first * ss;
                int dp = off[1] + first * ds;
                for (int i = 0; i < count; i++) {
                    to.setDouble(dp + i * ds, from.getDouble(sp + i * ss));
                }
            });
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), x, out);
        int xs = loop.innerStride(0);
        long cost = ElementwiseKernels.cost(op);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] a = x.storage().floats();
                float[] o = out.storage().floats();
                parallelSegments(loop, cost, (off, from, count) ->
                        ElementwiseKernels.unary(op, a, off[0] + from * xs, xs, o, off[1] + from, count));
            }
            case FLOAT64 -> {
                double[] a = x.storage().doubles();
                double[] o = out.storage().doubles();
                parallelSegments(loop, cost, (off, from, count) ->
                        ElementwiseKernels.unary(op, a, off[0] + from * xs, xs, o, off[1] + from, count));
            }
            default -> {
                Storage a = x.storage();
                Storage o = out.storage();
                parallelSegments(loop, CONVERT_COST, (off, from, count) -> {
                    int xp = off[0] + from * xs;
                    int op0 = off[1] + from;
                    for (int i = 0; i < count; i++) {
                        o.setLong(op0 + i, (long) ElementwiseKernels.apply(op, a.getLong(xp + i * xs)));
                    }
                });
            }
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), a, b, out);
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        long cost = ElementwiseKernels.cost(op);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] x = a.storage().floats();
                float[] y = b.storage().floats();
                float[] o = out.storage().floats();
                parallelSegments(loop, cost, (off, from, count) -> ElementwiseKernels.binary(op, x, off[0] + from * as,
                        as, y, off[1] + from * bs, bs, o, off[2] + from, count));
            }
            case FLOAT64 -> {
                double[] x = a.storage().doubles();
                double[] y = b.storage().doubles();
                double[] o = out.storage().doubles();
                parallelSegments(loop, cost, (off, from, count) -> ElementwiseKernels.binary(op, x, off[0] + from * as,
                        as, y, off[1] + from * bs, bs, o, off[2] + from, count));
            }
            default -> {
                Storage x = a.storage();
                Storage y = b.storage();
                Storage o = out.storage();
                parallelSegments(loop, CONVERT_COST, (off, from, count) -> {
                    int xp = off[0] + from * as;
                    int yp = off[1] + from * bs;
                    int op0 = off[2] + from;
                    for (int i = 0; i < count; i++) {
                        o.setLong(op0 + i, ElementwiseKernels.applyLong(op, x.getLong(xp + i * as),
                                y.getLong(yp + i * bs)));
                    }
                });
            }
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), cond, a, b, out);
        int cs = loop.innerStride(0);
        int as = loop.innerStride(1);
        int bs = loop.innerStride(2);
        if (out.dtype() == DType.FLOAT32 && cond.dtype() == DType.FLOAT32) {
            // The common case: a mask from a float32 comparison selecting between float32 values.
            float[] c = cond.storage().floats();
            float[] x = a.storage().floats();
            float[] y = b.storage().floats();
            float[] o = out.storage().floats();
            parallelSegments(loop, ELEMENT_COST, (off, from, count) -> ElementwiseKernels.where(c, off[0] + from * cs,
                    cs, x, off[1] + from * as, as, y, off[2] + from * bs, bs, o, off[3] + from, count));
            return;
        }
        Storage c = cond.storage();
        Storage x = a.storage();
        Storage y = b.storage();
        Storage o = out.storage();
        boolean floating = out.dtype().isFloating();
        parallelSegments(loop, CONVERT_COST, (off, from, count) -> {
            int cp = off[0] + from * cs;
            int xp = off[1] + from * as;
            int yp = off[2] + from * bs;
            int op0 = off[3] + from;
            for (int i = 0; i < count; i++) {
                boolean pick = c.getDouble(cp + i * cs) != 0;
                if (floating) {
                    o.setDouble(op0 + i, pick ? x.getDouble(xp + i * as) : y.getDouble(yp + i * bs));
                } else {
                    // Integers are copied as longs: a double would round values beyond 2^53.
                    o.setLong(op0 + i, pick ? x.getLong(xp + i * as) : y.getLong(yp + i * bs));
                }
            }
        });
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        ReduceKernels.reduce(op, x, reduced, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        ReduceKernels.argReduce(max, x, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        CpuMatmul.matmul(a, b, out);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        IndexKernels.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        IndexKernels.scatterAdd(out, dim, index, src);
    }

    /**
     * Runs a loop's elements on the worker pool when there is enough work to pay for the hand-off
     * (Parallel.forRange runs small ranges inline). The range is over elements, not rows, so a
     * single long contiguous row is split between threads just like many short rows.
     */
    private static void parallelSegments(StridedLoop loop, long costPerElement, StridedLoop.SegmentBody body) {
        int total = loop.size();
        if (total == 0) {
            return;
        }
        Parallel.forRange(total, costPerElement, (start, end) -> loop.forSegments(start, end, body));
    }
}
