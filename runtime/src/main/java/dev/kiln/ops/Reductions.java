package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.Backends;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/** Sums, means, extrema and log-sum-exp over any set of dimensions, each with its backward. */
final class Reductions {
    private Reductions() {}

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        Kernels.requireArgs("sum", x, dims);
        boolean[] mask = Shapes.dimMask("sum", dims, x.dim());
        Tensor kept = Kernels.reduce(ReduceOp.SUM, x, mask);
        Tensor out = finish(kept, mask, keepDim);
        if (Autograd.needsGrad(x)) {
            int[] inShape = x.shape();
            int[] reduced = dims.clone();
            Autograd.record(out, new Node("sum", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.sumGradX(g, inShape, reduced, keepDim)};
                }
            });
        }
        return out;
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        Kernels.requireArgs("mean", x, dims);
        boolean[] mask = Shapes.dimMask("mean", dims, x.dim());
        if (!x.dtype().isFloating()) {
            throw new ShapeException("mean: needs a floating tensor, got " + x.dtype() + "; convert with to(DType.FLOAT32)");
        }
        int count = 1;
        int[] shape = x.shape();
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                count *= shape[d];
            }
        }
        return Arithmetic.mulScalar(sum(x, dims, keepDim), 1.0 / count);
    }

    static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        return extremum("max", ReduceOp.MAX, x, dims, keepDim);
    }

    static Tensor min(Tensor x, int[] dims, boolean keepDim) {
        return extremum("min", ReduceOp.MIN, x, dims, keepDim);
    }

    /** max/min over dimensions; ties share the gradient evenly (PyTorch's amax/amin rule). */
    private static Tensor extremum(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim) {
        Kernels.requireArgs(name, x, dims);
        boolean[] mask = Shapes.dimMask(name, dims, x.dim());
        requireNonEmptyReduction(name, x, mask);
        Tensor kept = Kernels.reduce(op, x, mask);
        Tensor out = finish(kept, mask, keepDim);
        if (Autograd.needsGrad(x)) {
            int[] keptShape = kept.shape();
            Autograd.record(out, new Node(name, x) {
                final SavedTensor savedX = save(x);
                final SavedTensor savedKept = save(kept);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor xv = savedX.get().detach();
                    Tensor winners = Kernels.binary(name, BinaryOp.EQ, xv, savedKept.get().detach());
                    Tensor share = winners.div(Kernels.reduce(ReduceOp.SUM, winners, mask));
                    return new Tensor[] {g.reshape(keptShape).mul(share)};
                }
            });
        }
        return out;
    }

    static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        Kernels.requireArgs("logsumexp", x, dims);
        boolean[] mask = Shapes.dimMask("logsumexp", dims, x.dim());
        // Subtracting the maximum keeps exp from overflowing; it is a constant for the gradient.
        Tensor shift = Kernels.reduce(ReduceOp.MAX, x.detach(), mask);
        Tensor finiteShift = Kernels.where(Kernels.unary(dev.kiln.backend.UnaryOp.ABS, shift).lt(Double.POSITIVE_INFINITY),
                shift, Tensor.scalar(shift.dtype(), 0));
        Tensor kept = x.sub(finiteShift).exp().sum(dims.length == 0 ? allDims(x.dim()) : dims, true).log()
                .add(finiteShift);
        return keepDim ? kept : dropReduced(kept, mask);
    }

    private static int[] allDims(int rank) {
        int[] all = new int[rank];
        for (int i = 0; i < rank; i++) {
            all[i] = i;
        }
        return all;
    }

    static Tensor argReduce(String name, boolean max, Tensor x, int dim, boolean keepDim) {
        Kernels.requireArgs(name, x);
        int d = Shapes.dim(name, dim, x.dim());
        if (x.dim() == 0) {
            return Tensor.scalar(DType.INT64, 0);
        }
        boolean[] reduced = new boolean[x.dim()];
        reduced[d] = true;
        requireNonEmptyReduction(name, x, reduced);
        int[] shape = x.shape();
        shape[d] = 1;
        Tensor kept = Tensor.empty(DType.INT64, shape);
        Backends.of(x).argReduce(max, x, d, kept);
        return keepDim ? kept : kept.reshape(Kernels.droppedShape(kept.shape(), reduced));
    }

    /** max, min and their arg forms have no identity: a reduced dimension of size 0 has no answer. */
    private static void requireNonEmptyReduction(String name, Tensor x, boolean[] mask) {
        int[] shape = x.shape();
        for (int d = 0; d < shape.length; d++) {
            if (mask[d] && shape[d] == 0) {
                throw new ShapeException(name + ": cannot reduce over dimension " + d + " of size 0 (input of shape "
                        + Shapes.str(shape) + "); an empty reduction has no " + name);
            }
        }
    }

    /** The reduced tensor with or without its size-1 reduced dimensions (no autograd: the caller records). */
    private static Tensor finish(Tensor kept, boolean[] mask, boolean keepDim) {
        if (keepDim) {
            return kept;
        }
        int[] shape = Kernels.droppedShape(kept.shape(), mask);
        return new Tensor(kept.storage(), shape, Shapes.contiguousStrides(shape), 0, kept.device());
    }

    /** Drops reduced dimensions from a kept-shape result, through autograd. */
    private static Tensor dropReduced(Tensor kept, boolean[] mask) {
        return kept.reshape(Kernels.droppedShape(kept.shape(), mask));
    }
}
