package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.Backends;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/** Matrix products with NumPy's matmul rules, and their backward. */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        Kernels.requireArgs("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new ShapeException("matmul: both operands need at least one dimension, got shapes "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + "; use mul for scalars");
        }
        if (!a.dtype().isFloating() || a.dtype() != b.dtype()) {
            throw new ShapeException("matmul: operands must have the same floating dtype, got " + a.dtype() + " and "
                    + b.dtype() + " (shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + "); convert with to(DType.FLOAT32)");
        }
        // A 1-d operand is a row (left) or a column (right) vector whose extra dimension is dropped again.
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
        Tensor out = matmulNd(a2, b2, a, b);
        if (a.dim() == 1 && b.dim() == 1) {
            return out.reshape();
        }
        if (a.dim() == 1) {
            return out.squeeze(-2);
        }
        if (b.dim() == 1) {
            return out.squeeze(-1);
        }
        return out;
    }

    /** Both operands have rank &gt;= 2; batch dimensions broadcast. */
    private static Tensor matmulNd(Tensor a, Tensor b, Tensor origA, Tensor origB) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int k2 = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != k2) {
            throw new ShapeException("matmul: shapes " + Shapes.str(origA.shape()) + " and " + Shapes.str(origB.shape())
                    + " cannot be multiplied (" + k + " != " + k2 + ")");
        }
        int[] batchA = Arrays.copyOf(as, as.length - 2);
        int[] batchB = Arrays.copyOf(bs, bs.length - 2);
        if (!Shapes.canBroadcast(batchA, batchB)) {
            throw new ShapeException("matmul: the batch dimensions " + Shapes.str(batchA) + " of shape "
                    + Shapes.str(origA.shape()) + " and " + Shapes.str(batchB) + " of shape "
                    + Shapes.str(origB.shape()) + " cannot be broadcast together");
        }
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int batchSize = Shapes.numel(batch);
        Tensor a3 = toBatch3(a, batch, batchSize, m, k);
        Tensor b3 = toBatch3(b, batch, batchSize, k, n);
        Tensor out3 = Tensor.empty(a.dtype(), batchSize, m, n);
        Backends.of(a).matmul(a3, b3, out3);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = new Tensor(out3.storage(), outShape, Shapes.contiguousStrides(outShape), 0, out3.device());
        if (Autograd.needsGrad(a, b)) {
            Autograd.record(out, new Node("matmul", a, b) {
                final SavedTensor savedA = b.requiresGrad() ? save(a) : null;
                final SavedTensor savedB = a.requiresGrad() ? save(b) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    // dA = G B^T, dB = A^T G, summed over broadcast batch dimensions.
                    Tensor ga = needsGrad(0) ? Derivatives.matmulGradA(g, as, savedB.get()) : null;
                    Tensor gb = needsGrad(1) ? Derivatives.matmulGradB(g, savedA.get(), bs) : null;
                    return new Tensor[] {ga, gb};
                }
            });
        }
        return out;
    }

    /** A [batch, rows, cols] view for the backend: no copy for 2-d operands or plain batches, whatever the strides. */
    private static Tensor toBatch3(Tensor t, int[] batch, int batchSize, int rows, int cols) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        int rank = shape.length;
        if (rank == 2) {
            int batchStride = 0;
            return new Tensor(t.storage(), new int[] {batchSize, rows, cols},
                    new int[] {batchStride, strides[0], strides[1]}, t.offset(), t.device());
        }
        int[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        Tensor expanded = Kernels.expandTo(t, full);
        int[] es = expanded.strides();
        int[] batchStrides = Arrays.copyOf(es, batch.length);
        int[] merged = ShapeOps.viewStrides(batch, batchStrides, new int[] {batchSize});
        if (merged != null) {
            return new Tensor(t.storage(), new int[] {batchSize, rows, cols},
                    new int[] {merged[0], es[batch.length], es[batch.length + 1]}, t.offset(), t.device());
        }
        Tensor c = Kernels.contiguousCopy(expanded);
        return new Tensor(c.storage(), new int[] {batchSize, rows, cols},
                Shapes.contiguousStrides(new int[] {batchSize, rows, cols}), 0, c.device());
    }
}
