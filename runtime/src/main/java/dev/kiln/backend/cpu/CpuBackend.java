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

    private CpuBackend() {}

    @Override
    public void fill(Tensor out, double value) {
        Storage s = out.storage();
        StridedLoop loop = StridedLoop.over(out.shape(), out);
        int n = loop.rowLength();
        int stride = loop.innerStride(0);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] a = s.floats();
                float v = (float) value;
                loop.forEachRow(off -> {
                    for (int i = 0; i < n; i++) {
                        a[off[0] + i * stride] = v;
                    }
                });
            }
            case FLOAT64 -> {
                double[] a = s.doubles();
                loop.forEachRow(off -> {
                    for (int i = 0; i < n; i++) {
                        a[off[0] + i * stride] = value;
                    }
                });
            }
            default -> loop.forEachRow(off -> {
                for (int i = 0; i < n; i++) {
                    s.setDouble(off[0] + i * stride, value);
                }
            });
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        StridedLoop loop = StridedLoop.over(dst.shape(), src, dst);
        int n = loop.rowLength();
        int ss = loop.innerStride(0);
        int ds = loop.innerStride(1);
        Storage from = src.storage();
        Storage to = dst.storage();
        if (src.dtype() == DType.FLOAT32 && dst.dtype() == DType.FLOAT32) {
            float[] a = from.floats();
            float[] b = to.floats();
            parallelRows(loop, off -> {
                if (ss == 1 && ds == 1) {
                    System.arraycopy(a, off[0], b, off[1], n);
                } else {
                    for (int i = 0; i < n; i++) {
                        b[off[1] + i * ds] = a[off[0] + i * ss];
                    }
                }
            });
        } else if (src.dtype() == DType.FLOAT64 && dst.dtype() == DType.FLOAT64) {
            double[] a = from.doubles();
            double[] b = to.doubles();
            loop.forEachRow(off -> {
                for (int i = 0; i < n; i++) {
                    b[off[1] + i * ds] = a[off[0] + i * ss];
                }
            });
        } else if (!src.dtype().isFloating() && !dst.dtype().isFloating()) {
            loop.forEachRow(off -> {
                for (int i = 0; i < n; i++) {
                    to.setLong(off[1] + i * ds, from.getLong(off[0] + i * ss));
                }
            });
        } else {
            loop.forEachRow(off -> {
                for (int i = 0; i < n; i++) {
                    to.setDouble(off[1] + i * ds, from.getDouble(off[0] + i * ss));
                }
            });
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), x, out);
        int n = loop.rowLength();
        int xs = loop.innerStride(0);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] a = x.storage().floats();
                float[] o = out.storage().floats();
                parallelRows(loop, off -> ElementwiseKernels.unary(op, a, off[0], xs, o, off[1], n));
            }
            case FLOAT64 -> {
                double[] a = x.storage().doubles();
                double[] o = out.storage().doubles();
                loop.forEachRow(off -> ElementwiseKernels.unary(op, a, off[0], xs, o, off[1], n));
            }
            default -> {
                Storage a = x.storage();
                Storage o = out.storage();
                loop.forEachRow(off -> {
                    for (int i = 0; i < n; i++) {
                        o.setLong(off[1] + i, (long) ElementwiseKernels.apply(op, a.getLong(off[0] + i * xs)));
                    }
                });
            }
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), a, b, out);
        int n = loop.rowLength();
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] x = a.storage().floats();
                float[] y = b.storage().floats();
                float[] o = out.storage().floats();
                parallelRows(loop, off -> ElementwiseKernels.binary(op, x, off[0], as, y, off[1], bs, o, off[2], n));
            }
            case FLOAT64 -> {
                double[] x = a.storage().doubles();
                double[] y = b.storage().doubles();
                double[] o = out.storage().doubles();
                loop.forEachRow(off -> ElementwiseKernels.binary(op, x, off[0], as, y, off[1], bs, o, off[2], n));
            }
            default -> {
                Storage x = a.storage();
                Storage y = b.storage();
                Storage o = out.storage();
                loop.forEachRow(off -> {
                    for (int i = 0; i < n; i++) {
                        o.setLong(off[2] + i,
                                ElementwiseKernels.applyLong(op, x.getLong(off[0] + i * as), y.getLong(off[1] + i * bs)));
                    }
                });
            }
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        StridedLoop loop = StridedLoop.over(out.shape(), cond, a, b, out);
        int n = loop.rowLength();
        int cs = loop.innerStride(0);
        int as = loop.innerStride(1);
        int bs = loop.innerStride(2);
        Storage c = cond.storage();
        Storage x = a.storage();
        Storage y = b.storage();
        Storage o = out.storage();
        loop.forEachRow(off -> {
            for (int i = 0; i < n; i++) {
                boolean pick = c.getDouble(off[0] + i * cs) != 0;
                o.setDouble(off[3] + i, pick ? x.getDouble(off[1] + i * as) : y.getDouble(off[2] + i * bs));
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

    /** Runs rows on the worker pool when there are enough elements to pay for the hand-off. */
    private static void parallelRows(StridedLoop loop, StridedLoop.RowBody body) {
        int rows = loop.rows();
        long perRow = (long) loop.rowLength() * ELEMENT_COST;
        if (rows == 1) {
            // One long row: split it into column ranges instead.
            loop.forEachRow(body);
            return;
        }
        Parallel.forRange(rows, perRow, (start, end) -> loop.forRows(start, end, body));
    }
}
