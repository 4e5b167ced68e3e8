package dev.kiln.ops;

import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * The sizes of one 2-d convolution: input {@code [n, cIn, h, w]}, weight
 * {@code [cOut, cIn / groups, kh, kw]}, output {@code [n, cOut, outH, outW]}, with PyTorch's stride,
 * padding, dilation and groups. Built once per call from checked arguments.
 */
record ConvGeometry(int n, int cIn, int h, int w, int cOut, int kh, int kw, int strideH, int strideW,
        int padH, int padW, int dilH, int dilW, int groups, int outH, int outW) {

    /** Checks the operands of {@code conv2d(x, weight, bias, ...)} and derives the output size. */
    static ConvGeometry of(String op, Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (xs.length != 4) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(xs) + " must be 4-d [N, C, H, W]");
        }
        if (ws.length != 4) {
            throw new ShapeException(op + ": weight of shape " + Shapes.str(ws)
                    + " must be 4-d [out_channels, in_channels / groups, kH, kW]");
        }
        if (!x.dtype().isFloating() || x.dtype() != weight.dtype()) {
            throw new ShapeException(op + ": input and weight must have the same floating dtype, got "
                    + x.dtype() + " and " + weight.dtype());
        }
        checkPair(op, "stride", stride, 1);
        checkPair(op, "padding", padding, 0);
        checkPair(op, "dilation", dilation, 1);
        if (groups < 1) {
            throw new ShapeException(op + ": groups must be at least 1, got " + groups);
        }
        if (xs[1] % groups != 0 || ws[0] % groups != 0) {
            throw new ShapeException(op + ": in_channels (" + xs[1] + ") and out_channels (" + ws[0]
                    + ") must both be divisible by groups (" + groups + ")");
        }
        if (ws[1] * groups != xs[1]) {
            throw new ShapeException(op + ": weight of shape " + Shapes.str(ws) + " expects " + ws[1] * groups
                    + " input channels (" + ws[1] + " per group x " + groups + " groups), but the input of shape "
                    + Shapes.str(xs) + " has " + xs[1]);
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != ws[0] || bias.dtype() != x.dtype())) {
            throw new ShapeException(op + ": bias of shape " + Shapes.str(bias.shape()) + " (" + bias.dtype()
                    + ") must be [" + ws[0] + "] (" + x.dtype() + "), one value per output channel");
        }
        int outH = outSize(xs[2], ws[2], stride[0], padding[0], dilation[0]);
        int outW = outSize(xs[3], ws[3], stride[1], padding[1], dilation[1]);
        if (outH < 1 || outW < 1) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(xs) + " padded to "
                    + (xs[2] + 2 * padding[0]) + "x" + (xs[3] + 2 * padding[1]) + " is smaller than the dilated kernel "
                    + ((ws[2] - 1) * dilation[0] + 1) + "x" + ((ws[3] - 1) * dilation[1] + 1));
        }
        return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups, outH, outW);
    }

    private static int outSize(int in, int k, int stride, int pad, int dil) {
        return Math.floorDiv(in + 2 * pad - dil * (k - 1) - 1, stride) + 1;
    }

    /** Checks a (height, width) hyperparameter: two values, each at least {@code min}. */
    static void checkPair(String op, String name, int[] pair, int min) {
        if (pair.length != 2 || pair[0] < min || pair[1] < min) {
            throw new ShapeException(op + ": " + name + " must be two values >= " + min + " (height, width), got "
                    + java.util.Arrays.toString(pair));
        }
    }

    int cInPerGroup() {
        return cIn / groups;
    }

    int cOutPerGroup() {
        return cOut / groups;
    }

    /** Rows of the unfolded input of one group: one per (input channel, kernel row, kernel column). */
    int colRows() {
        return cInPerGroup() * kh * kw;
    }

    /** Columns of the unfolded input: one per output position. */
    int colCols() {
        return outH * outW;
    }

    /** Whether the unfolded input is the input itself (a 1x1 kernel, stride 1, no padding). */
    boolean isPointwise() {
        return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    /** Whether each unfolded row is the input plane shifted by a constant (stride 1, output as large as the input). */
    boolean isSameSize() {
        return strideH == 1 && strideW == 1 && outH == h && outW == w;
    }

    int[] inputShape() {
        return new int[] {n, cIn, h, w};
    }

    int[] weightShape() {
        return new int[] {cOut, cInPerGroup(), kh, kw};
    }

    int[] outputShape() {
        return new int[] {n, cOut, outH, outW};
    }

    int[] stride() {
        return new int[] {strideH, strideW};
    }

    int[] padding() {
        return new int[] {padH, padW};
    }

    int[] dilation() {
        return new int[] {dilH, dilW};
    }
}
