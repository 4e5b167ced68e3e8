package dev.kiln.ops;

import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;

/**
 * Where each output row and column of a 2-d pooling reads its input: along each axis, output
 * {@code o} covers input positions {@code start[o] <= i < end[o]} and its sum is multiplied by
 * {@code scale[o]} (average pooling divides by a product of per-axis window sizes, so the divisor
 * separates too). Max pooling uses only the sizes.
 */
record PoolWindows(int inH, int inW, int[] hStart, int[] hEnd, int[] wStart, int[] wEnd, double[] hScale,
        double[] wScale) {

    int outH() {
        return hStart.length;
    }

    int outW() {
        return wStart.length;
    }

    /** PyTorch's pooled size of one axis (floor, or ceil where the last window still starts inside the input). */
    static int outSize(String op, int in, int kernel, int stride, int pad, int dilation, boolean ceilMode) {
        int span = in + 2 * pad - dilation * (kernel - 1) - 1;
        int out = Math.floorDiv(span + (ceilMode ? stride - 1 : 0), stride) + 1;
        if (ceilMode && (out - 1) * stride >= in + pad) {
            out--;
        }
        if (out < 1) {
            throw new ShapeException(op + ": input size " + in + " with padding " + pad + " is smaller than the "
                    + (dilation > 1 ? "dilated " : "") + "kernel size " + (dilation * (kernel - 1) + 1));
        }
        return out;
    }

    /** Checks kernel, stride and padding as PyTorch does: positive sizes, padding at most half the kernel. */
    static void checkArgs(String op, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        ConvGeometry.checkPair(op, "kernel_size", kernel, 1);
        ConvGeometry.checkPair(op, "stride", stride, 1);
        ConvGeometry.checkPair(op, "padding", padding, 0);
        ConvGeometry.checkPair(op, "dilation", dilation, 1);
        if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
            throw new ShapeException(op + ": padding " + java.util.Arrays.toString(padding)
                    + " must be at most half of kernel_size " + java.util.Arrays.toString(kernel));
        }
    }

    /** The input shape's last two sizes, after checking it is [N, C, H, W] or [C, H, W]. */
    static int[] spatial(String op, int[] shape) {
        if (shape.length != 3 && shape.length != 4) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(shape) + " must be 4-d [N, C, H, W] "
                    + "or 3-d [C, H, W]");
        }
        return new int[] {shape[shape.length - 2], shape[shape.length - 1]};
    }

    /** The windows of AvgPool2d: PyTorch's divisor counts the padding ({@code countIncludePad}) or not. */
    static PoolWindows average(String op, int inH, int inW, int[] kernel, int[] stride, int[] padding,
            boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        int outH = outSize(op, inH, kernel[0], stride[0], padding[0], 1, ceilMode);
        int outW = outSize(op, inW, kernel[1], stride[1], padding[1], 1, ceilMode);
        int[] hs = new int[outH];
        int[] he = new int[outH];
        int[] ws = new int[outW];
        int[] we = new int[outW];
        double[] hScale = new double[outH];
        double[] wScale = new double[outW];
        axis(inH, kernel[0], stride[0], padding[0], countIncludePad, divisorOverride, hs, he, hScale);
        axis(inW, kernel[1], stride[1], padding[1], countIncludePad, 0, ws, we, wScale);
        if (divisorOverride > 0) {
            java.util.Arrays.fill(wScale, 1.0);
        }
        return new PoolWindows(inH, inW, hs, he, ws, we, hScale, wScale);
    }

    private static void axis(int in, int k, int stride, int pad, boolean countPad, int divisorOverride, int[] start,
            int[] end, double[] scale) {
        for (int o = 0; o < start.length; o++) {
            int s = o * stride - pad;
            int e = Math.min(s + k, in + pad);
            int padded = e - s;
            start[o] = Math.max(s, 0);
            end[o] = Math.min(e, in);
            int size = countPad ? padded : end[o] - start[o];
            scale[o] = divisorOverride > 0 ? 1.0 / divisorOverride : size > 0 ? 1.0 / size : 0;
        }
    }

    /** The windows of AdaptiveAvgPool2d: output o covers [floor(o*in/out), ceil((o+1)*in/out)). */
    static PoolWindows adaptive(int inH, int inW, int outH, int outW) {
        int[] hs = new int[outH];
        int[] he = new int[outH];
        int[] ws = new int[outW];
        int[] we = new int[outW];
        double[] hScale = new double[outH];
        double[] wScale = new double[outW];
        adaptiveAxis(inH, hs, he, hScale);
        adaptiveAxis(inW, ws, we, wScale);
        return new PoolWindows(inH, inW, hs, he, ws, we, hScale, wScale);
    }

    private static void adaptiveAxis(int in, int[] start, int[] end, double[] scale) {
        int out = start.length;
        for (int o = 0; o < out; o++) {
            start[o] = (int) ((long) o * in / out);
            end[o] = (int) (((long) (o + 1) * in + out - 1) / out);
            scale[o] = 1.0 / (end[o] - start[o]);
        }
    }
}
