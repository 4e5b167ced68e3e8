package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;

/**
 * Layer normalization over the trailing {@code normalized_shape} dimensions: input
 * {@code [*, normalized_shape]}, output of the same shape. Parameters {@code weight} (ones) and
 * {@code bias} (zeros) of shape {@code normalized_shape} when elementwise-affine.
 */
public class LayerNorm extends Module {
    @Param Tensor weight;
    @Param Tensor bias;
    // Package-private, not private: the generated LayerNorm_Compiled reads them.
    final int[] normalizedShape;
    final double eps;

    /** eps 1e-5, with weight and bias (PyTorch's defaults). */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, DType dtype) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalized_shape must have at least one dimension");
        }
        for (int s : normalizedShape) {
            LayerParams.positive("LayerNorm", "each size of normalized_shape", s);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            weight = LayerParams.constant(dtype, 1, normalizedShape);
            bias = LayerParams.constant(dtype, 0, normalizedShape);
        }
    }

    /** {@code [*, normalized_shape]} to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /** The scale, or null without elementwise affine. */
    public Tensor weight() {
        return weight;
    }

    /** The shift, or null without elementwise affine. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < normalizedShape.length; i++) {
            s.append(i == 0 ? "" : " ").append(normalizedShape[i]).append(',');
        }
        return s.append("), eps=").append(eps).append(", elementwise_affine=").append(LayerParams.pyBool(weight != null))
                .toString();
    }
}
