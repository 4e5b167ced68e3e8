package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/**
 * 2-d average pooling: input {@code [N, C, H, W]} (or {@code [C, H, W]}), output
 * {@code [N, C, H_out, W_out]}, {@code H_out = (H + 2 padding - kernel) / stride + 1} (rounded up in
 * ceil mode). The stride defaults to the kernel size; padded zeros count in the divisor unless
 * {@code countIncludePad} is false. No parameters.
 */
public class AvgPool2d extends Module {
    // Package-private, not private: the generated AvgPool2d_Compiled reads them.
    final int[] kernelSize;
    final int[] stride;
    final int[] padding;
    final boolean ceilMode;
    final boolean countIncludePad;
    final int divisorOverride;

    /** A square kernel with stride equal to it. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /** A square kernel, stride and padding. */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(new int[] {kernelSize, kernelSize}, new int[] {stride, stride}, new int[] {padding, padding}, false, true,
                0);
    }

    /** Every setting; {@code divisorOverride} 0 means none. */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
            int divisorOverride) {
        this.kernelSize = kernelSize.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /** {@code [N, C, H, W]} to {@code [N, C, H_out, W_out]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.avgPool2d(x, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + LayerParams.pair(kernelSize) + ", stride=" + LayerParams.pair(stride) + ", padding="
                + LayerParams.pair(padding);
    }
}
