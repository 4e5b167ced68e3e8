package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-d convolution (PyTorch's {@code conv2d}: cross-correlation with stride, padding, dilation and
 * groups) and its two gradients, each an op of its own.
 *
 * <p>The input gradient (a transposed convolution) and the weight gradient are bilinear like the
 * convolution itself, and the three ops are each other's derivatives: differentiating the backward
 * again ({@code createGraph}) needs no further formulas.
 */
final class Convolution {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private Convolution() {}

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return conv2d(x, weight, bias, stride, padding, dilation, groups, false);
    }

    /**
     * {@code relu(conv2d(...))} as one op: each sample's output block goes through ReLU right after its
     * product, while it is still in cache, instead of in a second pass over the whole batch. The values
     * are those of the two ops in sequence, bit for bit, and so are the derivatives (ReLU's rule, then
     * the convolution's).
     */
    static Tensor conv2dRelu(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return conv2d(x, weight, bias, stride, padding, dilation, groups, true);
    }

    private static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups, boolean relu) {
        if (x.dim() == 3) {
            // An unbatched [C, H, W] input, as PyTorch accepts it.
            return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups, relu).squeeze(0);
        }
        // Errors name the op the user called: conv2dRelu only ever runs for relu(conv2d(...)).
        ConvGeometry g = ConvGeometry.of("conv2d", x, weight, bias, stride, padding, dilation, groups);
        // Every output is written: filled with its bias, or the product's with beta 0, which reads no C.
        Tensor out = Tensor.empty(x.dtype(), g.outputShape());
        ConvKernels.forward(g, dense(x), dense(weight), bias == null ? null : dense(bias), out, relu);
        if (Autograd.needsGrad(x, weight, bias)) {
            Autograd.record(out, new Node(relu ? "conv2dRelu" : "conv2d", x, weight, bias) {
                final SavedTensor savedX = weight.requiresGrad() ? save(x) : null;
                final SavedTensor savedW = x.requiresGrad() ? save(weight) : null;
                final SavedTensor savedOut = relu ? save(out) : null;

                @Override
                protected Tensor[] backward(Tensor gradOut) {
                    Tensor gOut = relu ? Derivatives.reluGradX(gradOut, savedOut.get()) : gradOut;
                    return gradients(gOut, savedX, savedW, g, needsGrad(0), needsGrad(1), needsGrad(2));
                }
            });
        }
        return out;
    }

    /**
     * The gradients of conv2d's input, weight and bias from that of its output, each only where asked (null
     * otherwise): the backward of {@code conv2d} and of the fused ops that start with it.
     */
    static Tensor[] gradients(Tensor gOut, SavedTensor x, SavedTensor weight, ConvGeometry g, boolean input,
            boolean weights, boolean bias) {
        Tensor gx = input ? inputGrad(gOut, weight.get(), g) : null;
        Tensor gw = weights ? weightGrad(x.get(), gOut, g) : null;
        Tensor gb = bias ? channelSum(gOut) : null;
        return new Tensor[] {gx, gw, gb};
    }

    /** The gradient of conv2d with respect to its input: the transposed convolution of {@code gOut} with w. */
    static Tensor inputGrad(Tensor gOut, Tensor weight, ConvGeometry g) {
        checkGradOut("conv2d input gradient", gOut, g);
        Tensor gx = Tensor.zeros(gOut.dtype(), g.inputShape());
        ConvKernels.inputGrad(g, dense(gOut), dense(weight), gx);
        if (Autograd.needsGrad(gOut, weight)) {
            Autograd.record(gx, new Node("conv2dInputGrad", gOut, weight) {
                final SavedTensor savedG = weight.requiresGrad() ? save(gOut) : null;
                final SavedTensor savedW = gOut.requiresGrad() ? save(weight) : null;

                @Override
                protected Tensor[] backward(Tensor gg) {
                    // <gg, convT(g, w)> = <conv(gg, w), g> = <weightGrad(gg, g), w>
                    Tensor dG = needsGrad(0) ? conv2d(gg, savedW.get(), null, g.stride(), g.padding(), g.dilation(),
                            g.groups()) : null;
                    Tensor dW = needsGrad(1) ? weightGrad(gg, savedG.get(), g) : null;
                    return new Tensor[] {dG, dW};
                }
            });
        }
        return gx;
    }

    /** The gradient of conv2d with respect to its weight, summed over the batch. */
    static Tensor weightGrad(Tensor x, Tensor gOut, ConvGeometry g) {
        checkGradOut("conv2d weight gradient", gOut, g);
        Tensor gw = Tensor.zeros(gOut.dtype(), g.weightShape());
        ConvKernels.weightGrad(g, dense(x), dense(gOut), gw);
        if (Autograd.needsGrad(x, gOut)) {
            Autograd.record(gw, new Node("conv2dWeightGrad", x, gOut) {
                final SavedTensor savedX = gOut.requiresGrad() ? save(x) : null;
                final SavedTensor savedG = x.requiresGrad() ? save(gOut) : null;

                @Override
                protected Tensor[] backward(Tensor gg) {
                    // <gg, weightGrad(x, g)> = <g, conv(x, gg)> = <inputGrad(g, gg), x>
                    Tensor dX = needsGrad(0) ? inputGrad(savedG.get(), gg, g) : null;
                    Tensor dG = needsGrad(1) ? conv2d(savedX.get(), gg, null, g.stride(), g.padding(), g.dilation(),
                            g.groups()) : null;
                    return new Tensor[] {dX, dG};
                }
            });
        }
        return gw;
    }

    /** The sum of {@code [N, C, H, W]} over all but the channels: the bias gradient, in one pass. */
    static Tensor channelSum(Tensor g) {
        int[] shape = g.shape();
        int n = shape[0];
        int c = shape[1];
        int hw = shape[2] * shape[3];
        Tensor dense = dense(g);
        Object a = ConvKernels.array(dense);
        double[] sums = new double[c];
        // Split by channel, so that each thread owns its sums.
        Parallel.forRange(c, (long) n * hw, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    int from = dense.offset() + (i * c + ch) * hw;
                    s += a instanceof float[] f ? sum(f, from, hw) : sum((double[]) a, from, hw);
                }
                sums[ch] = s;
            }
        });
        Tensor out = Tensor.of(sums, c).to(g.dtype());
        if (Autograd.needsGrad(g)) {
            Autograd.record(out, new Node("conv2dBiasGrad", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {gg.reshape(1, c, 1, 1).expand(shape)};
                }
            });
        }
        return out;
    }

    /**
     * Two vector accumulators keep the additions independent, so the loop is bound by loads, not their
     * latency; C2 does not vectorize a float sum by itself (it may not reorder the additions).
     */
    private static double sum(float[] a, int from, int length) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = from;
        int step = 2 * F.length();
        for (int end = from + length - step; i <= end; i += step) {
            s0 = s0.add(FloatVector.fromArray(F, a, i));
            s1 = s1.add(FloatVector.fromArray(F, a, i + F.length()));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (int end = from + length; i < end; i++) {
            s += a[i];
        }
        return s;
    }

    private static double sum(double[] a, int from, int length) {
        double s = 0;
        for (int i = from; i < from + length; i++) {
            s += a[i];
        }
        return s;
    }

    private static void checkGradOut(String op, Tensor gOut, ConvGeometry g) {
        if (!gOut.hasShape(g.outputShape())) {
            throw new ShapeException(op + ": gradient of shape " + Shapes.str(gOut.shape())
                    + " does not match the convolution's output shape " + Shapes.str(g.outputShape()));
        }
    }

    /** {@code t} itself when its elements are contiguous, else a contiguous copy (outside the graph). */
    static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : Kernels.contiguousCopy(t);
    }
}
