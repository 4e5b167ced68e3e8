package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/** Views and layout changes: reshape, transpose, permute, expand, slice, squeeze; each with its backward. */
final class ShapeOps {
    private ShapeOps() {}

    private static Tensor view(Tensor t, int[] shape, int[] strides, int offset) {
        return new Tensor(t.storage(), shape, strides, offset, t.device());
    }

    // ------------------------------------------------------------ reshape / view

    static Tensor reshape(Tensor x, int[] requested) {
        Kernels.requireArgs("reshape", x, requested);
        int[] shape = inferShape("reshape", x, requested);
        int[] strides = viewStrides(x.shape(), x.strides(), shape);
        Tensor out = strides != null ? view(x, shape, strides, x.offset())
                : reshapeContiguous(Kernels.contiguousCopy(x), shape);
        return recordReshape(x, out);
    }

    static Tensor view(Tensor x, int[] requested) {
        Kernels.requireArgs("view", x, requested);
        int[] shape = inferShape("view", x, requested);
        int[] strides = viewStrides(x.shape(), x.strides(), shape);
        if (strides == null) {
            throw new ShapeException("view: a tensor of shape " + Shapes.str(x.shape()) + " and strides "
                    + Arrays.toString(x.strides()) + " cannot be viewed as " + Shapes.str(shape)
                    + " without a copy; use reshape()");
        }
        return recordReshape(x, view(x, shape, strides, x.offset()));
    }

    private static Tensor reshapeContiguous(Tensor c, int[] shape) {
        return view(c, shape, Shapes.contiguousStrides(shape), c.offset());
    }

    private static Tensor recordReshape(Tensor x, Tensor out) {
        if (Autograd.needsGrad(x)) {
            int[] inShape = x.shape();
            Autograd.record(out, new Node("reshape", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.reshapeGradX(g, inShape)};
                }
            });
        }
        return out;
    }

    private static int[] inferShape(String op, Tensor x, int[] requested) {
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (infer >= 0) {
                    throw new ShapeException(op + ": only one size may be -1 in " + Arrays.toString(requested));
                }
                infer = d;
            } else if (shape[d] < 0) {
                throw new ShapeException(op + ": invalid size " + shape[d] + " in " + Arrays.toString(requested));
            } else {
                known *= shape[d];
            }
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException(op + ": shape " + Arrays.toString(requested) + " is invalid for a tensor of "
                        + n + " elements (shape " + Shapes.str(x.shape()) + ")");
            }
            shape[infer] = (int) (n / known);
        } else if (known != n) {
            throw new ShapeException(op + ": shape " + Arrays.toString(requested) + " is invalid for a tensor of "
                    + n + " elements (shape " + Shapes.str(x.shape()) + ")");
        }
        return shape;
    }

    /**
     * Strides that view a tensor of (shape, strides) as newShape without moving data, or null when
     * impossible. Works on runs of dimensions that are contiguous with each other, like PyTorch's
     * computeStride.
     */
    static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int[] out = new int[newShape.length];
        if (Shapes.numel(shape) == 0) {
            return Shapes.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            boolean chunkEnds = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase);
            if (chunkEnds) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        while (viewD >= 0) {
            out[viewD--] = 1;
        }
        return out;
    }

    static Tensor flatten(Tensor x, int start, int end) {
        Kernels.requireArgs("flatten", x);
        if (x.dim() == 0) {
            return reshape(x, new int[] {1});
        }
        int s = Shapes.dim("flatten", start, x.dim());
        int e = Shapes.dim("flatten", end, x.dim());
        if (s > e) {
            throw new ShapeException("flatten: start dimension " + start + " comes after end dimension " + end);
        }
        int[] shape = x.shape();
        int[] out = new int[shape.length - (e - s)];
        int k = 0;
        for (int d = 0; d < s; d++) {
            out[k++] = shape[d];
        }
        int merged = 1;
        for (int d = s; d <= e; d++) {
            merged *= shape[d];
        }
        out[k++] = merged;
        for (int d = e + 1; d < shape.length; d++) {
            out[k++] = shape[d];
        }
        return reshape(x, out);
    }

    // ------------------------------------------------------------ permutations

    static Tensor transpose(Tensor x, int d0, int d1) {
        Kernels.requireArgs("transpose", x);
        int rank = x.dim();
        int a = Shapes.dim("transpose", d0, rank);
        int b = Shapes.dim("transpose", d1, rank);
        if (rank == 0) {
            return x;
        }
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    static Tensor permute(Tensor x, int[] order) {
        Kernels.requireArgs("permute", x, order);
        int rank = x.dim();
        if (order.length != rank) {
            throw new ShapeException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " dimensions but the tensor has shape " + Shapes.str(x.shape()));
        }
        int[] resolved = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int d = 0; d < rank; d++) {
            int r = Shapes.dim("permute", order[d], rank);
            if (seen[r]) {
                throw new ShapeException("permute: dimension " + order[d] + " appears twice in " + Arrays.toString(order));
            }
            seen[r] = true;
            resolved[d] = r;
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] ns = new int[rank];
        int[] nst = new int[rank];
        for (int d = 0; d < rank; d++) {
            ns[d] = shape[resolved[d]];
            nst[d] = strides[resolved[d]];
        }
        Tensor out = view(x, ns, nst, x.offset());
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("permute", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.permuteGradX(g, resolved)};
                }
            });
        }
        return out;
    }

    // ------------------------------------------------------------ broadcasting

    static Tensor expand(Tensor x, int[] requested) {
        Kernels.requireArgs("expand", x, requested);
        int[] shape = x.shape();
        if (requested.length < shape.length) {
            throw new ShapeException("expand: cannot expand shape " + Shapes.str(shape) + " to "
                    + Arrays.toString(requested) + ", which has fewer dimensions");
        }
        int lead = requested.length - shape.length;
        int[] target = requested.clone();
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1) {
                if (d < lead) {
                    throw new ShapeException("expand: -1 is not allowed for a new leading dimension in "
                            + Arrays.toString(requested));
                }
                target[d] = shape[d - lead];
            }
            if (d >= lead && shape[d - lead] != 1 && shape[d - lead] != target[d]) {
                throw new ShapeException("expand: shape " + Shapes.str(shape) + " cannot be expanded to "
                        + Arrays.toString(requested) + " (dimension " + d + ": " + shape[d - lead] + " vs "
                        + target[d] + "; only size-1 dimensions expand)");
            }
            if (target[d] < 0) {
                throw new ShapeException("expand: invalid size " + target[d] + " in " + Arrays.toString(requested));
            }
        }
        if (Arrays.equals(target, shape)) {
            return x;
        }
        long elements = 1;
        for (int size : target) {
            elements *= size;
            if (elements > Integer.MAX_VALUE) {
                throw new ShapeException("expand: shape " + Arrays.toString(requested)
                        + " has more than 2^31-1 elements, which Kiln tensors cannot hold");
            }
        }
        Tensor out = Kernels.expandTo(x, target);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("expand", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {sumTo(g, shape)};
                }
            });
        }
        return out;
    }

    /** Sums a broadcast gradient back to {@code shape}: the backward of every broadcasting op. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int n = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) {
                dims[n++] = d;
            }
        }
        Tensor summed = n == 0 ? g : Reductions.sum(g, Arrays.copyOf(dims, n), true);
        return summed.reshape(shape);
    }

    // ------------------------------------------------------------ slicing

    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        Kernels.requireArgs("slice", x);
        if (x.dim() == 0) {
            throw new ShapeException("slice: a 0-d tensor has no dimension to slice");
        }
        int d = Shapes.dim("slice", dim, x.dim());
        if (step <= 0) {
            throw new ShapeException("slice: step must be positive, got " + step);
        }
        int size = x.size(d);
        int s = clampIndex(start, size);
        int e = Math.max(s, clampIndex(end, size));
        int length = (e - s + step - 1) / step;
        int[] shape = x.shape();
        int[] strides = x.strides();
        int offset = x.offset() + s * strides[d];
        shape[d] = length;
        strides[d] *= step;
        Tensor out = view(x, shape, strides, offset);
        if (Autograd.needsGrad(x)) {
            int[] inShape = x.shape();
            Autograd.record(out, new Node("slice", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {sliceBackward(g, inShape, d, s, step)};
                }
            });
        }
        return out;
    }

    private static int clampIndex(int i, int size) {
        int r = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, r));
    }

    /** Places {@code g} into a zero tensor of {@code shape} at a slice: the backward of slice, itself differentiable. */
    static Tensor sliceBackward(Tensor g, int[] shape, int dim, int start, int step) {
        Tensor out = Tensor.zeros(g.dtype(), shape);
        int[] strides = out.strides();
        int[] gs = g.shape();
        int[] vstrides = strides.clone();
        vstrides[dim] *= step;
        Tensor window = new Tensor(out.storage(), gs, vstrides, start * strides[dim], out.device());
        dev.kiln.backend.Backends.of(g).copy(g, window);
        if (Autograd.needsGrad(g)) {
            Autograd.record(out, new Node("sliceBackward", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {gg.slice(dim, start, start + (gs[dim] - 1) * step + 1, step)};
                }
            });
        }
        return out;
    }

    static Tensor select(Tensor x, int dim, int index) {
        Kernels.requireArgs("select", x);
        if (x.dim() == 0) {
            throw new ShapeException("select: a 0-d tensor has no dimension to select from");
        }
        int d = Shapes.dim("select", dim, x.dim());
        int size = x.size(d);
        if (index < -size || index >= size) {
            throw new ShapeException("select: index " + index + " is out of range for dimension " + d + " of size "
                    + size + " (shape " + Shapes.str(x.shape()) + ")");
        }
        int i = index < 0 ? index + size : index;
        return squeeze(slice(x, d, i, i + 1, 1), d);
    }

    // ------------------------------------------------------------ squeeze / unsqueeze

    static Tensor unsqueeze(Tensor x, int dim) {
        Kernels.requireArgs("unsqueeze", x);
        int rank = x.dim();
        int d = Shapes.dim("unsqueeze", dim, rank + 1);
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] ns = new int[rank + 1];
        int[] nst = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = j < rank ? strides[j] * shape[j] : 1;
            } else {
                ns[i] = shape[j];
                nst[i] = strides[j];
                j++;
            }
        }
        return recordReshape(x, view(x, ns, nst, x.offset()));
    }

    static Tensor squeeze(Tensor x, int dim) {
        Kernels.requireArgs("squeeze", x);
        if (x.dim() == 0) {
            return x;
        }
        int d = Shapes.dim("squeeze", dim, x.dim());
        if (x.size(d) != 1) {
            return x;
        }
        return dropDims(x, d, d);
    }

    static Tensor squeeze(Tensor x) {
        Kernels.requireArgs("squeeze", x);
        return dropDims(x, -1, -1);
    }

    /** Removes size-1 dimensions in [from, to], or all size-1 dimensions when from is -1. */
    private static Tensor dropDims(Tensor x, int from, int to) {
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] ns = new int[shape.length];
        int[] nst = new int[shape.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            boolean drop = shape[d] == 1 && (from < 0 || (d >= from && d <= to));
            if (!drop) {
                ns[k] = shape[d];
                nst[k] = strides[d];
                k++;
            }
        }
        if (k == shape.length) {
            return x;
        }
        return recordReshape(x, view(x, Arrays.copyOf(ns, k), Arrays.copyOf(nst, k), x.offset()));
    }

    // ------------------------------------------------------------ copies

    static Tensor contiguous(Tensor x) {
        Kernels.requireArgs("contiguous", x);
        Tensor out = Kernels.contiguousCopy(x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("contiguous", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g};
                }
            });
        }
        return out;
    }

    static Tensor cast(Tensor x, DType dtype) {
        Kernels.requireArgs("cast", x, dtype);
        Tensor out = Kernels.cast(x, dtype);
        if (dtype.isFloating() && Autograd.needsGrad(x)) {
            DType from = x.dtype();
            Autograd.record(out, new Node("cast", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.to(from)};
                }
            });
        }
        return out;
    }
}
