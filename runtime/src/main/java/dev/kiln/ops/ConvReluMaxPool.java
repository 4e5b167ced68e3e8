package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.tensor.Tensor;

/**
 * {@code maxPool2d(relu(conv2d(x, w, b)))} as one op with one node, for compiled forwards: the
 * convolution with ReLU applied per sample in cache ({@link Convolution#conv2dRelu}'s kernel), then max
 * pooling, which forgets the winners whose gradient ReLU's backward would stop
 * ({@link Pooling#forgetWinnersReluStops}), so that the pooling's scatter applies ReLU's rule too instead
 * of a pass of its own over the convolution's output. Values and first derivatives are those of the three
 * ops in sequence, bit for bit. The node differentiates once: compiled forwards, its only callers, refuse
 * {@code createGraph}.
 */
final class ConvReluMaxPool {
    private ConvReluMaxPool() {}

    static Tensor conv2dReluMaxPool2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups, int[] kernel, int[] poolStride, int[] poolPadding, int[] poolDilation,
            boolean ceilMode) {
        if (x.dim() == 3) {
            // An unbatched [C, H, W] input, as PyTorch accepts it.
            return conv2dReluMaxPool2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups, kernel,
                    poolStride, poolPadding, poolDilation, ceilMode).squeeze(0);
        }
        ConvGeometry g = ConvGeometry.of("conv2d", x, weight, bias, stride, padding, dilation, groups);
        Tensor b = bias == null ? null : Convolution.dense(bias);
        Pooling.MaxPooled channelsLast = channelsLast(g, x, weight, b, kernel, poolStride, poolPadding,
                poolDilation, ceilMode);
        Pooling.MaxPooled pooled = channelsLast != null ? channelsLast
                : Pooling.maxPoolForward("maxPool2d", activations(g, x, weight, b), kernel, poolStride, poolPadding,
                        poolDilation, ceilMode);
        if (Autograd.needsGrad(x, weight, bias)) {
            Pooling.forgetWinnersReluStops(pooled); // only the backward reads the positions
            Autograd.record(pooled.out(), new Node("conv2dReluMaxPool2d", x, weight, bias) {
                final SavedTensor savedX = weight.requiresGrad() ? save(x) : null;
                final SavedTensor savedW = x.requiresGrad() ? save(weight) : null;

                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    if (Autograd.needsGrad(gradOut)) {
                        throw new UnsupportedOperationException("conv2dReluMaxPool2d is differentiated once only: "
                                + "run the forward in Compiled.eagerScope() for a createGraph backward");
                    }
                    Tensor gOut = Pooling.scatterMax(gradOut, pooled.argmax(), pooled.inShape());
                    return Convolution.gradients(gOut, savedX, savedW, g, needsGrad(0), needsGrad(1), needsGrad(2));
                }
            });
        }
        return pooled.out();
    }

    /** ReLU of the convolution, channels first, for the general pool. */
    private static Tensor activations(ConvGeometry g, Tensor x, Tensor weight, Tensor bias) {
        Tensor activations = Tensor.empty(x.dtype(), g.outputShape()); // every element is written
        ConvKernels.forward(g, Convolution.dense(x), Convolution.dense(weight), bias, activations, true);
        return activations;
    }

    /** The op's forward through {@link ChannelsLastConvPool} where it applies, else null. */
    private static Pooling.MaxPooled channelsLast(ConvGeometry g, Tensor x, Tensor weight, Tensor bias, int[] kernel,
            int[] poolStride, int[] poolPadding, int[] poolDilation, boolean ceilMode) {
        PoolWindows.checkArgs("maxPool2d", kernel, poolStride, poolPadding, poolDilation);
        if (!ChannelsLastConvPool.suits(g, x, poolDilation, ceilMode)) {
            return null;
        }
        Pooling.MaxPooled pooled = Pooling.maxPoolResult("maxPool2d", g.outputShape(), x.dtype(), kernel, poolStride,
                poolPadding, poolDilation, ceilMode);
        boolean done = ChannelsLastConvPool.forward(g, Convolution.dense(x), Convolution.dense(weight), bias, kernel,
                poolStride, poolPadding, pooled.out(), Pooling.positions(pooled.argmax()));
        return done ? pooled : null; // a NaN among the activations: the general path ranks it as the ops do
    }
}
