package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** concat, stack and split: joining tensors along a dimension and taking them apart again. */
final class Joining {
    private Joining() {}

    static Tensor concat(List<Tensor> tensors, int dim) {
        Kernels.requireArgs("concat", tensors);
        if (tensors.isEmpty()) {
            throw new ShapeException("concat: needs at least one tensor");
        }
        Tensor first = tensors.get(0);
        if (first.dim() == 0) {
            throw new ShapeException("concat: 0-d tensors cannot be concatenated; use stack");
        }
        int d = Shapes.dim("concat", dim, first.dim());
        int[] shape = first.shape();
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            int[] s = t.shape();
            if (s.length != shape.length) {
                throw new ShapeException("concat: tensor " + i + " has shape " + Shapes.str(s)
                        + " but tensor 0 has shape " + Shapes.str(shape) + " (ranks differ)");
            }
            for (int k = 0; k < s.length; k++) {
                if (k != d && s[k] != shape[k]) {
                    throw new ShapeException("concat: tensor " + i + " has shape " + Shapes.str(s)
                            + " but tensor 0 has shape " + Shapes.str(shape) + " (dimension " + k + " differs)");
                }
            }
            if (t.dtype() != first.dtype()) {
                throw new ShapeException("concat: tensor " + i + " is " + t.dtype() + " but tensor 0 is " + first.dtype());
            }
            total += s[d];
        }
        shape[d] = total;
        Tensor out = Tensor.empty(first.dtype(), shape);
        int at = 0;
        int[] sizes = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            sizes[i] = t.size(d);
            Tensor window = out.detach().slice(d, at, at + sizes[i]);
            Backends.of(t).copy(t, window);
            at += sizes[i];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        if (Autograd.needsGrad(inputs)) {
            Autograd.record(out, new Node("concat", inputs) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor[] grads = new Tensor[sizes.length];
                    int start = 0;
                    for (int i = 0; i < sizes.length; i++) {
                        grads[i] = needsGrad(i) ? g.slice(d, start, start + sizes[i]) : null;
                        start += sizes[i];
                    }
                    return grads;
                }
            });
        }
        return out;
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        Kernels.requireArgs("stack", tensors);
        if (tensors.isEmpty()) {
            throw new ShapeException("stack: needs at least one tensor");
        }
        int d = Shapes.dim("stack", dim, tensors.get(0).dim() + 1);
        int[] shape = tensors.get(0).shape();
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!t.hasShape(shape)) {
                throw new ShapeException("stack: tensor " + i + " has shape " + Shapes.str(t.shape())
                        + " but tensor 0 has shape " + Shapes.str(shape) + "; stack needs equal shapes");
            }
            expanded.add(t.unsqueeze(d));
        }
        return concat(expanded, d);
    }

    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        Kernels.requireArgs("split", x, sizes);
        if (x.dim() == 0) {
            throw new ShapeException("split: a 0-d tensor cannot be split");
        }
        int d = Shapes.dim("split", dim, x.dim());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new ShapeException("split: sizes must be non-negative, got " + java.util.Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.size(d)) {
            throw new ShapeException("split: sizes " + java.util.Arrays.toString(sizes) + " add up to " + total
                    + " but dimension " + d + " of shape " + Shapes.str(x.shape()) + " has " + x.size(d));
        }
        List<Tensor> parts = new ArrayList<>(sizes.length);
        int at = 0;
        for (int s : sizes) {
            parts.add(x.slice(d, at, at + s));
            at += s;
        }
        return parts;
    }
}
