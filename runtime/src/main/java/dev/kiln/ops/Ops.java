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
    public static Tensor div(Tensor a, double s) { return Arithmetic.divScalar(a, s); }
    /** {@code s / a}. */
    public static Tensor div(double s, Tensor a) { return Arithmetic.rdivScalar(s, a); }
    public static Tensor pow(Tensor a, Tensor exponent) { return Arithmetic.pow(a, exponent); }
    public static Tensor pow(Tensor a, double exponent) { return Arithmetic.powScalar(a, exponent); }
    public static Tensor maximum(Tensor a, Tensor b) { return Arithmetic.maximum(a, b); }
    public static Tensor minimum(Tensor a, Tensor b) { return Arithmetic.minimum(a, b); }
    /** Limits every element to [min, max] (either bound may be infinite), like {@code torch.clamp}. */
    public static Tensor clamp(Tensor x, double min, double max) { return Arithmetic.clamp(x, min, max); }

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
    public static Tensor eq(Tensor a, Tensor b) { return Arithmetic.compare("eq", BinaryOp.EQ, a, b); }
    public static Tensor ne(Tensor a, Tensor b) { return Arithmetic.compare("ne", BinaryOp.NE, a, b); }
    public static Tensor lt(Tensor a, Tensor b) { return Arithmetic.compare("lt", BinaryOp.LT, a, b); }
    public static Tensor le(Tensor a, Tensor b) { return Arithmetic.compare("le", BinaryOp.LE, a, b); }
    public static Tensor gt(Tensor a, Tensor b) { return Arithmetic.compare("gt", BinaryOp.GT, a, b); }
    public static Tensor ge(Tensor a, Tensor b) { return Arithmetic.compare("ge", BinaryOp.GE, a, b); }
    public static Tensor eq(Tensor a, double s) { return Arithmetic.compare("eq", BinaryOp.EQ, a, s); }
    public static Tensor ne(Tensor a, double s) { return Arithmetic.compare("ne", BinaryOp.NE, a, s); }
    public static Tensor lt(Tensor a, double s) { return Arithmetic.compare("lt", BinaryOp.LT, a, s); }
    public static Tensor le(Tensor a, double s) { return Arithmetic.compare("le", BinaryOp.LE, a, s); }
    public static Tensor gt(Tensor a, double s) { return Arithmetic.compare("gt", BinaryOp.GT, a, s); }
    public static Tensor ge(Tensor a, double s) { return Arithmetic.compare("ge", BinaryOp.GE, a, s); }

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

    // ---------------------------------------------------------------- layers and losses
    // The ops of dev.kiln.nn.functional.F (which users call, with PyTorch's defaults) and of the nn layers.

    /** {@code x W^T + b}: x {@code [*, in]}, weight {@code [out, in]}, bias {@code [out]} or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return Affine.linear(x, weight, bias); }
    /**
     * {@code relu(linear(x, weight, bias))} in one op, ReLU applied in place to the product: what a compiled
     * forward runs for {@code relu(fc.forward(x))} when {@code fc} is a {@code Linear}.
     */
    public static Tensor linearRelu(Tensor x, Tensor weight, Tensor bias) {
        return Affine.linearRelu(x, weight, bias);
    }
    /** 2-d convolution: x {@code [N, C, H, W]} (or {@code [C, H, W]}), weight {@code [out, C/groups, kH, kW]}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
    /**
     * {@code relu(conv2d(...))} in one op, ReLU applied to each sample's output while it is in cache: what a
     * compiled forward runs for {@code relu(conv.forward(x))} when {@code conv} is a {@code Conv2d}.
     */
    public static Tensor conv2dRelu(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        return Convolution.conv2dRelu(x, weight, bias, stride, padding, dilation, groups);
    }
    /**
     * {@code maxPool2d(relu(conv2d(...)))} in one op, whose backward applies ReLU's rule inside the pooling's
     * scatter: what a compiled forward runs for {@code pool.forward(relu(conv.forward(x)))} when {@code conv}
     * is a {@code Conv2d} and {@code pool} a {@code MaxPool2d}. First derivatives only.
     */
    public static Tensor conv2dReluMaxPool2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups, int[] kernel, int[] poolStride, int[] poolPadding, int[] poolDilation,
            boolean ceilMode) {
        return ConvReluMaxPool.conv2dReluMaxPool2d(x, weight, bias, stride, padding, dilation, groups, kernel,
                poolStride, poolPadding, poolDilation, ceilMode);
    }
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return Pooling.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }
    /** Average pooling; {@code divisorOverride} 0 means none. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad, int divisorOverride) {
        return Pooling.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }
    public static Tensor dropout(Tensor x, double p, boolean training, dev.kiln.tensor.Generator generator) {
        return DropoutOp.dropout(x, p, training, generator);
    }
    /** Rows of {@code weight [V, D]} at {@code indices}; {@code paddingIdx} null for none. */
    public static Tensor embedding(Tensor indices, Tensor weight, Integer paddingIdx) {
        return EmbeddingOp.embedding(indices, weight, paddingIdx == null ? EmbeddingOp.NO_PADDING : paddingIdx);
    }
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }
    public static Tensor leakyRelu(Tensor x, double negativeSlope) { return Activations.leakyRelu(x, negativeSlope); }
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex,
            double labelSmoothing, Reduction reduction) {
        return CrossEntropy.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction);
    }
    public static Tensor nllLoss(Tensor logProbs, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        return Losses.nll(logProbs, target, weight, ignoreIndex, reduction);
    }
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.mse(input, target, reduction);
    }
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        return Losses.l1(input, target, reduction);
    }
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        return Losses.smoothL1(input, target, reduction, beta);
    }
    public static Tensor binaryCrossEntropy(Tensor p, Tensor target, Tensor weight, Reduction reduction) {
        return Losses.bce(p, target, weight, reduction);
    }
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target, Tensor weight, Tensor posWeight,
            Reduction reduction) {
        return Losses.bceWithLogits(x, target, weight, posWeight, reduction);
    }
}
