package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/**
 * 2-d max pooling: input {@code [N, C, H, W]} (or {@code [C, H, W]}), output
 * {@code [N, C, H_out, W_out]}, {@code H_out = (H + 2 padding - dilation (kernel - 1) - 1) / stride + 1}
 * (rounded up in ceil mode). The stride defaults to the kernel size. No parameters.
 */
public class MaxPool2d extends Module {
    // Package-private, not private: the generated MaxPool2d_Compiled reads them.
    final int[] kernelSize;
    final int[] stride;
    final int[] padding;
    final int[] dilation;
    final boolean ceilMode;

    /** A square kernel with stride equal to it. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /** A square kernel, stride and padding ({@code nn.MaxPool2d(3, 2, 1)}). */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize, kernelSize}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, false);
    }

    /** Every setting as a (height, width) pair, and ceil mode. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    /** {@code [N, C, H, W]} to {@code [N, C, H_out, W_out]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.maxPool2d(x, kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + LayerParams.pair(kernelSize) + ", stride=" + LayerParams.pair(stride) + ", padding="
                + LayerParams.pair(padding) + ", dilation=" + LayerParams.pair(dilation) + ", ceil_mode="
                + LayerParams.pyBool(ceilMode);
    }
}
