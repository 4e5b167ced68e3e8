package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * 2-d max, average and adaptive average pooling over {@code [N, C, H, W]} (or {@code [C, H, W]})
 * inputs, each with its backward.
 *
 * <p>Every pooling is linear in its input once the windows (and, for max pooling, the winning
 * positions) are fixed, so each forward has an adjoint op, and each adjoint's backward is the
 * forward again: gradients of gradients come for free.
 */
final class Pooling {
    private Pooling() {}

    static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        MaxPooled pooled = maxPoolForward("maxPool2d", x, kernel, stride, padding, dilation, ceilMode);
        if (Autograd.needsGrad(x)) {
            Autograd.record(pooled.out(), new Node("maxPool2d", x) {
                private final int maximaVersion = pooled.out().storage().version();

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {scatterMax(g, pooled.argmax(), pooled.inShape())};
                }

                /**
                 * Through a ReLU, in one scatter: each window's winner holds the window's maximum, so a window
                 * whose maximum ReLU's backward would stop sends nothing, and the positions no window sends to
                 * get nothing either way: bit for bit ReLU's rule after {@link #scatterMax}. No node is recorded
                 * for it, since the engine folds only when the backward is not being recorded. Unlike the fused
                 * op ({@link #forgetWinnersReluStops}) it cannot forget winners in the forward: whether the
                 * engine folds is known only now, and the plain backward needs every position.
                 */
                @Override
                protected Tensor[] backwardFolding(Node below, Tensor g) {
                    boolean maximaIntact = pooled.out().storage().version() == maximaVersion;
                    if (!(below instanceof Elementwise.ReluNode relu) || g.dtype() != pooled.out().dtype()
                            || !maximaIntact) { // modified maxima no longer tell which winners ReLU stops
                        return null;
                    }
                    Tensor gx = scatter(g, pooled.argmax(), pooled.out(), pooled.inShape());
                    // After the pool's own reads, as in the two backwards: a modified or freed ReLU output fails
                    // here with ReLU's error.
                    relu.output();
                    return new Tensor[] {gx};
                }
            });
        }
        return pooled.out();
    }

    /**
     * Max pooling's result, recording nothing: the maxima, where each was found (its position in the
     * input plane, as an {@code INT32} tensor so that a training step's arena recycles it too: W3's two
     * pools would otherwise allocate 2.4 MB per batch) and the input's shape.
     */
    record MaxPooled(Tensor out, Tensor argmax, int[] inShape) {}

    /** The forward of max pooling, shared by {@link #maxPool2d} and the fused conv, ReLU and pool. */
    static MaxPooled maxPoolForward(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        MaxPooled pooled = maxPoolResult(op, x.shape(), x.dtype(), kernel, stride, padding, dilation, ceilMode);
        int[] inShape = x.shape();
        int[] outShape = pooled.out().shape();
        PoolKernels.maxForward(Convolution.dense(x), planes(inShape), inShape[inShape.length - 2],
                inShape[inShape.length - 1], outShape[outShape.length - 2], outShape[outShape.length - 1], kernel,
                stride, padding, dilation, pooled.out(), positions(pooled.argmax()));
        return pooled;
    }

    /**
     * Checks max pooling's arguments for an input of this shape and dtype and allocates its result, for the
     * caller to fill: every maximum and every position.
     */
    static MaxPooled maxPoolResult(String op, int[] inShape, DType dtype, int[] kernel, int[] stride, int[] padding,
            int[] dilation, boolean ceilMode) {
        int[] hw = PoolWindows.spatial(op, inShape);
        PoolWindows.checkArgs(op, kernel, stride, padding, dilation);
        checkFloating(op, dtype);
        int outH = PoolWindows.outSize(op, hw[0], kernel[0], stride[0], padding[0], dilation[0], ceilMode);
        int outW = PoolWindows.outSize(op, hw[1], kernel[1], stride[1], padding[1], dilation[1], ceilMode);
        int[] outShape = withSpatial(inShape, outH, outW);
        return new MaxPooled(Tensor.empty(dtype, outShape), Tensor.empty(DType.INT32, outShape), inShape);
    }

    /**
     * Forgets the winner of every window whose maximum ReLU's backward would stop (sets its position to -1,
     * as for a window with no input), so that {@link #scatterMax} applies that rule too: for a pool of ReLU
     * outputs, the backward of both in one pass. Every window a position won has that position's value as
     * its maximum, so the result is ReLU's rule applied after the plain scatter, bit for bit.
     */
    static void forgetWinnersReluStops(MaxPooled pooled) {
        int[] shape = pooled.out().shape();
        int outPlane = shape[shape.length - 2] * shape[shape.length - 1];
        PoolKernels.forgetWinnersReluStops(pooled.out(), positions(pooled.argmax()), planes(shape), outPlane);
    }

    /** The array of a fresh position tensor: dense from index 0, one entry per output in the outputs' order. */
    static int[] positions(Tensor argmax) {
        return argmax.storage().ints();
    }

    /** Sends each output gradient to the input that won its window: the backward of max pooling. */
    static Tensor scatterMax(Tensor g, Tensor argmax, int[] inShape) {
        int[] outShape = g.shape();
        Tensor gx = scatter(g, argmax, null, inShape);
        if (Autograd.needsGrad(g)) {
            Autograd.record(gx, new Node("maxPool2dBackward", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {gatherMax(gg, argmax, outShape)};
                }
            });
        }
        return gx;
    }

    /**
     * An input-shaped tensor with each output gradient added at its window's winner, except, given the
     * maxima of a pool of ReLU outputs, where ReLU's backward would stop it; see {@link PoolKernels#scatter}.
     */
    private static Tensor scatter(Tensor g, Tensor argmax, Tensor reluMaxima, int[] inShape) {
        int[] outShape = g.shape();
        int planes = planes(inShape);
        int inPlane = inShape[inShape.length - 2] * inShape[inShape.length - 1];
        int outPlane = outShape[outShape.length - 2] * outShape[outShape.length - 1];
        Tensor gx = Tensor.empty(g.dtype(), inShape); // zeroed plane by plane by the scatter
        PoolKernels.scatter(Convolution.dense(g), positions(argmax), reluMaxima, planes, inPlane, outPlane, gx);
        return gx;
    }

    /** Reads the winning positions out of an input-shaped tensor: the adjoint of {@link #scatterMax}. */
    private static Tensor gatherMax(Tensor x, Tensor argmax, int[] outShape) {
        int[] inShape = x.shape();
        int planes = planes(inShape);
        int inPlane = inShape[inShape.length - 2] * inShape[inShape.length - 1];
        int outPlane = outShape[outShape.length - 2] * outShape[outShape.length - 1];
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        PoolKernels.gather(Convolution.dense(x), positions(argmax), planes, inPlane, outPlane, out);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("maxPool2dGather", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {scatterMax(g, argmax, inShape)};
                }
            });
        }
        return out;
    }

    static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad, int divisorOverride) {
        String op = "avgPool2d";
        int[] hw = PoolWindows.spatial(op, x.shape());
        PoolWindows.checkArgs(op, kernel, stride, padding, new int[] {1, 1});
        if (divisorOverride < 0) {
            throw new ShapeException(op + ": divisor_override must be positive (or 0 for none), got " + divisorOverride);
        }
        checkFloating(op, x.dtype());
        PoolWindows win = PoolWindows.average(op, hw[0], hw[1], kernel, stride, padding, ceilMode, countIncludePad,
                divisorOverride);
        return windowAverage(op, x, win);
    }

    static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        int[] hw = PoolWindows.spatial(op, x.shape());
        if (outH < 1 || outW < 1) {
            throw new ShapeException(op + ": output size must be positive, got " + outH + "x" + outW);
        }
        if (hw[0] == 0 || hw[1] == 0) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(x.shape()) + " has an empty plane");
        }
        checkFloating(op, x.dtype());
        return windowAverage(op, x, PoolWindows.adaptive(hw[0], hw[1], outH, outW));
    }

    /** Averages over the given windows. */
    private static Tensor windowAverage(String op, Tensor x, PoolWindows win) {
        int[] inShape = x.shape();
        Tensor out = Tensor.zeros(x.dtype(), withSpatial(inShape, win.outH(), win.outW()));
        PoolKernels.avgForward(Convolution.dense(x), planes(inShape), win, out);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node(op, x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {windowAverageAdjoint(op, g, win, inShape)};
                }
            });
        }
        return out;
    }

    /** Spreads each output gradient evenly (times its scale) over its window: the backward of average pooling. */
    private static Tensor windowAverageAdjoint(String op, Tensor g, PoolWindows win, int[] inShape) {
        Tensor gx = Tensor.zeros(g.dtype(), inShape);
        PoolKernels.avgAdjoint(Convolution.dense(g), planes(inShape), win, gx);
        if (Autograd.needsGrad(g)) {
            Autograd.record(gx, new Node(op + "Backward", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {windowAverage(op, gg, win)};
                }
            });
        }
        return gx;
    }

    private static int planes(int[] shape) {
        int planes = 1;
        for (int d = 0; d < shape.length - 2; d++) {
            planes *= shape[d];
        }
        return planes;
    }

    private static int[] withSpatial(int[] shape, int h, int w) {
        int[] out = shape.clone();
        out[out.length - 2] = h;
        out[out.length - 1] = w;
        return out;
    }

    private static void checkFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new ShapeException(op + ": needs a floating input, got " + dtype);
        }
    }
}
