package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/** Gather, scatter-add, index-select and where: picking elements by index or by condition, each with its backward. */
final class Indexing {
    private Indexing() {}

    static Tensor gather(Tensor x, int dim, Tensor index) {
        Kernels.requireArgs("gather", x, index);
        int d = checkIndexArgs("gather", x, dim, index);
        int[] xs = x.shape();
        int[] is = index.shape();
        for (int i = 0; i < xs.length; i++) {
            if (i != d && is[i] > xs[i]) {
                throw new ShapeException("gather: index of shape " + Shapes.str(is) + " is larger than input of shape "
                        + Shapes.str(xs) + " in dimension " + i);
            }
        }
        Tensor out = Tensor.empty(x.dtype(), is);
        Backends.of(x).gather(x, d, index, out);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("gather", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {scatterAdd(Tensor.zeros(g.dtype(), xs), d, index, g)};
                }
            });
        }
        return out;
    }

    /** {@code target} with {@code src} added at the positions {@code index} names along {@code dim} (out of place). */
    static Tensor scatterAdd(Tensor target, int dim, Tensor index, Tensor src) {
        Kernels.requireArgs("scatterAdd", target, index, src);
        int d = checkIndexArgs("scatterAdd", target, dim, index);
        if (!src.hasShape(index.shape())) {
            throw new ShapeException("scatterAdd: src of shape " + Shapes.str(src.shape())
                    + " must match index of shape " + Shapes.str(index.shape()));
        }
        if (src.dtype() != target.dtype()) {
            throw new ShapeException("scatterAdd: src is " + src.dtype() + " but the target is " + target.dtype()
                    + "; convert one with to(dtype)");
        }
        int[] ts = target.shape();
        int[] is = index.shape();
        for (int i = 0; i < ts.length; i++) {
            if (i != d && is[i] > ts[i]) {
                throw new ShapeException("scatterAdd: index of shape " + Shapes.str(is)
                        + " is larger than the target of shape " + Shapes.str(ts) + " in dimension " + i);
            }
        }
        Tensor out = Kernels.contiguousCopy(target);
        Backends.of(target).scatterAdd(out, d, index, src);
        if (Autograd.needsGrad(target, src)) {
            Autograd.record(out, new Node("scatterAdd", target, src) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {needsGrad(0) ? g : null, needsGrad(1) ? gather(g, d, index) : null};
                }
            });
        }
        return out;
    }

    /** Slices along {@code dim} picked by a 1-d index: gather with the index broadcast over the other dimensions. */
    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        Kernels.requireArgs("indexSelect", x, index);
        if (index.dim() != 1 || index.dtype().isFloating()) {
            throw new ShapeException("indexSelect: index must be a 1-d integer tensor, got " + index.dtype()
                    + " of shape " + Shapes.str(index.shape()));
        }
        if (x.dim() == 0) {
            throw new ShapeException("indexSelect: a 0-d tensor has no dimension to index");
        }
        int d = Shapes.dim("indexSelect", dim, x.dim());
        // Checked here so that the error names indexSelect and the position, not the gather it becomes.
        int size = x.size(d);
        for (int i = 0; i < index.size(0); i++) {
            long v = index.getLong(i);
            if (v < -size || v >= size) {
                throw new ShapeException("indexSelect: index " + v + " at position " + i
                        + " is out of range for dimension " + d + " of size " + size + " (input of shape "
                        + Shapes.str(x.shape()) + ")");
            }
        }
        int[] shape = x.shape();
        shape[d] = index.size(0);
        int[] indexShape = new int[x.dim()];
        java.util.Arrays.fill(indexShape, 1);
        indexShape[d] = index.size(0);
        Tensor expanded = Kernels.expandTo(index.reshape(indexShape), shape);
        return gather(x, d, expanded);
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Kernels.requireArgs("where", cond, a, b);
        Tensor out = Kernels.where(cond, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Tensor c = cond.detach();
            Autograd.record(out, new Node("where", a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor zero = Tensor.scalar(g.dtype(), 0);
                    return new Tensor[] {needsGrad(0) ? ShapeOps.sumTo(where(c, g, zero), as) : null,
                        needsGrad(1) ? ShapeOps.sumTo(where(c, zero, g), bs) : null};
                }
            });
        }
        return out;
    }

    private static int checkIndexArgs(String op, Tensor x, int dim, Tensor index) {
        if (index.dtype().isFloating()) {
            throw new ShapeException(op + ": index must be an integer tensor, got " + index.dtype());
        }
        if (index.dim() != x.dim()) {
            throw new ShapeException(op + ": index of shape " + Shapes.str(index.shape())
                    + " must have the same rank as the input of shape " + Shapes.str(x.shape()));
        }
        if (x.dim() == 0) {
            throw new ShapeException(op + ": a 0-d tensor has no dimension to index");
        }
        return Shapes.dim(op, dim, x.dim());
    }
}
