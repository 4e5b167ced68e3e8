package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/**
 * Average pooling to a fixed output size: input {@code [N, C, H, W]} (or {@code [C, H, W]}), output
 * {@code [N, C, outH, outW]} whatever H and W are; {@code AdaptiveAvgPool2d(1)} is global average
 * pooling. No parameters.
 */
public class AdaptiveAvgPool2d extends Module {
    // Package-private, not private: the generated AdaptiveAvgPool2d_Compiled reads them.
    final int outH;
    final int outW;

    /** A square output. */
    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = LayerParams.positive("AdaptiveAvgPool2d", "output height", outH);
        this.outW = LayerParams.positive("AdaptiveAvgPool2d", "output width", outW);
    }

    /** {@code [N, C, H, W]} to {@code [N, C, outH, outW]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=(" + outH + ", " + outW + ")";
    }
}
