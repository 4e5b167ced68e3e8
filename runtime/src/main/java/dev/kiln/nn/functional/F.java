package dev.kiln.nn.functional;

import dev.kiln.ops.Ops;
import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * Kiln's {@code torch.nn.functional}: the stateless forms of the layers and the losses, with
 * PyTorch's names (in camel case), argument order and defaults. Every function records its backward
 * on the autograd tape; the nn layers call these.
 *
 * <pre>{@code
 * Tensor h = F.maxPool2d(F.relu(F.conv2d(x, w, b, 1, 1)), 3, 2, 1);
 * Tensor loss = F.crossEntropy(logits, labels);
 * }</pre>
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- linear and convolution

    /** {@code x W^T}: x {@code [*, in]}, weight {@code [out, in]}; returns {@code [*, out]}. */
    public static Tensor linear(Tensor x, Tensor weight) {
        return Ops.linear(x, weight, null);
    }

    /** {@code x W^T + b}: x {@code [*, in]}, weight {@code [out, in]}, bias {@code [out]} or null; returns {@code [*, out]}. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Ops.linear(x, weight, bias);
    }

    /** {@code conv2d(x, weight, bias, stride=1, padding=0)}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, 1, 0, 1, 1);
    }

    /** 2-d convolution with the same stride and padding in both directions. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /** 2-d convolution with square stride, padding and dilation, and groups. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return conv2d(x, weight, bias, pair(stride), pair(padding), pair(dilation), groups);
    }

    /**
     * 2-d convolution (cross-correlation, as PyTorch): x {@code [N, C_in, H, W]} (or {@code [C_in, H, W]}),
     * weight {@code [C_out, C_in / groups, kH, kW]}, bias {@code [C_out]} or null; returns
     * {@code [N, C_out, H_out, W_out]} with {@code H_out = (H + 2 padding - dilation (kH - 1) - 1) / stride + 1}.
     * Stride, padding and dilation are (height, width) pairs.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return Ops.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    // ---------------------------------------------------------------- pooling

    /** Max pooling with a square kernel and stride equal to it. */
    public static Tensor maxPool2d(Tensor x, int kernelSize) {
        return maxPool2d(x, kernelSize, kernelSize, 0);
    }

    /** Max pooling with a square kernel, stride and padding (padded positions never win). */
    public static Tensor maxPool2d(Tensor x, int kernelSize, int stride, int padding) {
        return maxPool2d(x, pair(kernelSize), pair(stride), pair(padding), pair(1), false);
    }

    /**
     * Max pooling: x {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, H_out, W_out]}, each
     * output the largest input in its window; {@code ceilMode} rounds the output size up. Padding is
     * at most half the kernel; the gradient goes to the winning input of each window.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return Ops.maxPool2d(x, kernelSize, stride, padding, dilation, ceilMode);
    }

    /** Average pooling with a square kernel and stride equal to it. */
    public static Tensor avgPool2d(Tensor x, int kernelSize) {
        return avgPool2d(x, kernelSize, kernelSize, 0);
    }

    /** Average pooling with a square kernel, stride and padding (zeros counted, as PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, int kernelSize, int stride, int padding) {
        return avgPool2d(x, pair(kernelSize), pair(stride), pair(padding), false, true, 0);
    }

    /**
     * Average pooling: x {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, H_out, W_out]}.
     * {@code countIncludePad} counts padded zeros in the divisor; {@code divisorOverride} (0 for none)
     * replaces the divisor.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad, int divisorOverride) {
        return Ops.avgPool2d(x, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    /** Adaptive average pooling to a square output. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outputSize) {
        return adaptiveAvgPool2d(x, outputSize, outputSize);
    }

    /**
     * Adaptive average pooling: x {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, outH, outW]},
     * output {@code i} averaging input rows {@code floor(i H / outH)} to {@code ceil((i + 1) H / outH)}.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return Ops.adaptiveAvgPool2d(x, outH, outW);
    }

    // ---------------------------------------------------------------- regularization and normalization

    /** Dropout drawing from the global generator. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return dropout(x, p, training, Generator.global());
    }

    /**
     * Dropout: in training, zeroes each element with probability p and scales the rest by
     * {@code 1 / (1 - p)}, drawing from {@code generator}; the identity when not training. Any shape.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        return Ops.dropout(x, p, training, generator);
    }

    /** Embedding lookup without a padding index. */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Ops.embedding(indices, weight, null);
    }

    /**
     * Embedding lookup: integer indices of any shape {@code [*]} pick rows of weight {@code [V, D]};
     * returns {@code [*, D]}. The row {@code paddingIdx} (negative counts from the end) gets no gradient.
     */
    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        return Ops.embedding(indices, weight, paddingIdx);
    }

    /**
     * Batch normalization of x {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]} per channel. In
     * training it normalizes with the batch statistics and updates {@code runningMean}/{@code runningVar}
     * (either may be null only together) in place with {@code momentum}; otherwise it uses them.
     * weight and bias ({@code [C]}) may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        return Ops.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Layer normalization over the trailing dimensions {@code normalizedShape}, without affine parameters, eps 1e-5. */
    public static Tensor layerNorm(Tensor x, int... normalizedShape) {
        return Ops.layerNorm(x, normalizedShape, null, null, 1e-5);
    }

    /**
     * Layer normalization: x {@code [*, normalizedShape]} normalized over the trailing
     * {@code normalizedShape} dimensions, then scaled by weight and shifted by bias (each of that shape, or null).
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Ops.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor x) {
        return Ops.relu(x);
    }

    /** LeakyReLU with PyTorch's default slope 0.01. */
    public static Tensor leakyRelu(Tensor x) {
        return Ops.leakyRelu(x, 0.01);
    }

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) {
        return Ops.leakyRelu(x, negativeSlope);
    }

    public static Tensor sigmoid(Tensor x) {
        return Ops.sigmoid(x);
    }

    public static Tensor tanh(Tensor x) {
        return Ops.tanh(x);
    }

    /** The exact (erf) GELU, PyTorch's default. */
    public static Tensor gelu(Tensor x) {
        return Ops.gelu(x);
    }

    public static Tensor softmax(Tensor x, int dim) {
        return Ops.softmax(x, dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return Ops.logSoftmax(x, dim);
    }

    // ---------------------------------------------------------------- losses

    /**
     * Mean cross-entropy of logits {@code [N, C]} ({@code [C]}, or {@code [N, C, d1, ...]}) against INT64
     * class indices {@code [N]} ({@code []}, {@code [N, d1, ...]}) or class probabilities of the
     * input's shape.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, CrossEntropyOptions.defaults());
    }

    /** Cross-entropy with a given reduction. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        return crossEntropy(logits, target, CrossEntropyOptions.defaults().reduction(reduction));
    }

    /**
     * Cross-entropy from logits with class weights, an ignored class index, label smoothing and a
     * reduction (see {@link CrossEntropyOptions}); computed in one fused, log-sum-exp-stable pass. The
     * mean over index targets divides by the total weight of the targets not ignored, as PyTorch does.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, CrossEntropyOptions options) {
        return Ops.crossEntropy(logits, target, options.weight(), options.ignoreIndex(), options.labelSmoothing(),
                options.reduction());
    }

    /** Mean negative log-likelihood of log-probabilities at class indices (see {@link #crossEntropy}). */
    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return nllLoss(logProbs, target, null, -100, Reduction.MEAN);
    }

    /** NLL with a given reduction. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, Reduction reduction) {
        return nllLoss(logProbs, target, null, -100, reduction);
    }

    /**
     * Negative log-likelihood: {@code -w[y] logProbs[y]} per prediction; log-probabilities {@code [N, C]}
     * ({@code [C]}, {@code [N, C, d1, ...]}), INT64 targets {@code [N]} ({@code []}, {@code [N, d1, ...]}),
     * class weights {@code [C]} or null.
     */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        return Ops.nllLoss(logProbs, target, weight, ignoreIndex, reduction);
    }

    /** Mean squared error of two tensors of the same shape. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return Ops.mseLoss(input, target, Reduction.MEAN);
    }

    /** Squared error with a given reduction (NONE keeps the input's shape). */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return Ops.mseLoss(input, target, reduction);
    }

    /** Mean absolute error of two tensors of the same shape. */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        return Ops.l1Loss(input, target, Reduction.MEAN);
    }

    /** Absolute error with a given reduction. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        return Ops.l1Loss(input, target, reduction);
    }

    /** Mean smooth L1 loss with beta 1. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target) {
        return Ops.smoothL1Loss(input, target, Reduction.MEAN, 1.0);
    }

    /** Smooth L1: {@code 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - 0.5 beta} (L1 for beta 0). */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction reduction, double beta) {
        return Ops.smoothL1Loss(input, target, reduction, beta);
    }

    /** Mean binary cross-entropy of probabilities in [0, 1] against targets of the same shape. */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor target) {
        return Ops.binaryCrossEntropy(p, target, null, Reduction.MEAN);
    }

    /** Binary cross-entropy with element weights (broadcast to the input's shape, or null) and a reduction. */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor target, Tensor weight, Reduction reduction) {
        return Ops.binaryCrossEntropy(p, target, weight, reduction);
    }

    /** Mean binary cross-entropy of logits (more stable than sigmoid followed by binaryCrossEntropy). */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return Ops.binaryCrossEntropyWithLogits(logits, target, null, null, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of logits with element weights and positive-class weights ({@code posWeight},
     * e.g. {@code [C]} for a multi-label {@code [N, C]} input), each broadcast to the input's shape or null.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor weight, Tensor posWeight,
            Reduction reduction) {
        return Ops.binaryCrossEntropyWithLogits(logits, target, weight, posWeight, reduction);
    }

    private static int[] pair(int v) {
        return new int[] {v, v};
    }
}
