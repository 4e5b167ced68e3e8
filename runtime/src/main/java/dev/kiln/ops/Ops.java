package dev.kiln.ops;

import dev.kiln.backend.BinaryOp;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * Kiln's functional ops, like {@code torch.*} and {@code torch.nn.functional}: {@code import static
 * dev.kiln.ops.Ops.*} and write {@code relu(x.matmul(w))}. Each method delegates to the family class
 * where the op's forward and backward are written side by side.
 */
public final class Ops {
    private Ops() {}

    // arithmetic (broadcasting)
    public static Tensor add(Tensor a, Tensor b) { return Arithmetic.add(a, b); }
    public static Tensor add(Tensor a, double s) { return Arithmetic.addScalar(a, s); }
    public static Tensor sub(Tensor a, Tensor b) { return Arithmetic.sub(a, b); }
    public static Tensor sub(Tensor a, double s) { return Arithmetic.addScalar(a, -s); }
    /** {@code s - a}. */
    public static Tensor sub(double s, Tensor a) { return Arithmetic.rsubScalar(s, a); }
    public static Tensor mul(Tensor a, Tensor b) { return Arithmetic.mul(a, b); }
    public static Tensor mul(Tensor a, double s) { return Arithmetic.mulScalar(a, s); }
    public static Tensor div(Tensor a, Tensor b) { return Arithmetic.div(a, b); }
    public static Tensor div(Tensor a, double s) { return Arithmetic.mulScalar(a, 1.0 / s); }
    /** {@code s / a}. */
    public static Tensor div(double s, Tensor a) { return Arithmetic.rdivScalar(s, a); }
    public static Tensor pow(Tensor a, Tensor exponent) { return Arithmetic.pow(a, exponent); }
    public static Tensor pow(Tensor a, double exponent) { return Arithmetic.powScalar(a, exponent); }
    public static Tensor maximum(Tensor a, Tensor b) { return Arithmetic.maximum(a, b); }
    public static Tensor minimum(Tensor a, Tensor b) { return Arithmetic.minimum(a, b); }

    // element-wise math and activations
    public static Tensor neg(Tensor x) { return Elementwise.neg(x); }
    public static Tensor exp(Tensor x) { return Elementwise.exp(x); }
    public static Tensor log(Tensor x) { return Elementwise.log(x); }
    public static Tensor sqrt(Tensor x) { return Elementwise.sqrt(x); }
    public static Tensor square(Tensor x) { return Elementwise.square(x); }
    public static Tensor abs(Tensor x) { return Elementwise.abs(x); }
    public static Tensor erf(Tensor x) { return Elementwise.erf(x); }
    public static Tensor relu(Tensor x) { return Elementwise.relu(x); }
    public static Tensor sigmoid(Tensor x) { return Elementwise.sigmoid(x); }
    public static Tensor tanh(Tensor x) { return Elementwise.tanh(x); }
    public static Tensor gelu(Tensor x) { return Elementwise.gelu(x); }
    public static Tensor softmax(Tensor x, int dim) { return Softmax.softmax(x, dim); }
    public static Tensor logSoftmax(Tensor x, int dim) { return Softmax.logSoftmax(x, dim); }

    // linear algebra
    public static Tensor matmul(Tensor a, Tensor b) { return LinearAlgebra.matmul(a, b); }

    // reductions (an empty dims array means all dimensions)
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) { return Reductions.sum(x, dims, keepDim); }
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) { return Reductions.mean(x, dims, keepDim); }
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) { return Reductions.max(x, dims, keepDim); }
    public static Tensor min(Tensor x, int[] dims, boolean keepDim) { return Reductions.min(x, dims, keepDim); }
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        return Reductions.logsumexp(x, dims, keepDim);
    }
    public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        return Reductions.argReduce("argmax", true, x, dim, keepDim);
    }
    public static Tensor argmin(Tensor x, int dim, boolean keepDim) {
        return Reductions.argReduce("argmin", false, x, dim, keepDim);
    }

    // comparisons: 1 or 0 in the promoted dtype, never differentiated
    public static Tensor eq(Tensor a, Tensor b) { return Kernels.binary("eq", BinaryOp.EQ, a.detach(), b.detach()); }
    public static Tensor ne(Tensor a, Tensor b) { return Kernels.binary("ne", BinaryOp.NE, a.detach(), b.detach()); }
    public static Tensor lt(Tensor a, Tensor b) { return Kernels.binary("lt", BinaryOp.LT, a.detach(), b.detach()); }
    public static Tensor le(Tensor a, Tensor b) { return Kernels.binary("le", BinaryOp.LE, a.detach(), b.detach()); }
    public static Tensor gt(Tensor a, Tensor b) { return Kernels.binary("gt", BinaryOp.GT, a.detach(), b.detach()); }
    public static Tensor ge(Tensor a, Tensor b) { return Kernels.binary("ge", BinaryOp.GE, a.detach(), b.detach()); }

    // selection and indexing
    /** {@code cond != 0 ? a : b}, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Indexing.where(cond, a, b); }
    public static Tensor gather(Tensor x, int dim, Tensor index) { return Indexing.gather(x, dim, index); }
    public static Tensor scatterAdd(Tensor target, int dim, Tensor index, Tensor src) {
        return Indexing.scatterAdd(target, dim, index, src);
    }
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) { return Indexing.indexSelect(x, dim, index); }

    // joining and splitting
    public static Tensor concat(List<Tensor> tensors, int dim) { return Joining.concat(tensors, dim); }
    public static Tensor stack(List<Tensor> tensors, int dim) { return Joining.stack(tensors, dim); }
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) { return Joining.split(x, sizes, dim); }

    // views and layout
    public static Tensor reshape(Tensor x, int... shape) { return ShapeOps.reshape(x, shape); }
    public static Tensor view(Tensor x, int... shape) { return ShapeOps.view(x, shape); }
    public static Tensor flatten(Tensor x, int start, int end) { return ShapeOps.flatten(x, start, end); }
    public static Tensor transpose(Tensor x, int d0, int d1) { return ShapeOps.transpose(x, d0, d1); }
    public static Tensor permute(Tensor x, int... order) { return ShapeOps.permute(x, order); }
    public static Tensor expand(Tensor x, int... shape) { return ShapeOps.expand(x, shape); }
    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        return ShapeOps.slice(x, dim, start, end, step);
    }
    public static Tensor select(Tensor x, int dim, int index) { return ShapeOps.select(x, dim, index); }
    public static Tensor unsqueeze(Tensor x, int dim) { return ShapeOps.unsqueeze(x, dim); }
    public static Tensor squeeze(Tensor x) { return ShapeOps.squeeze(x); }
    public static Tensor squeeze(Tensor x, int dim) { return ShapeOps.squeeze(x, dim); }
    public static Tensor contiguous(Tensor x) { return ShapeOps.contiguous(x); }
    public static Tensor cast(Tensor x, DType dtype) { return ShapeOps.cast(x, dtype); }
}
