package dev.kiln.ops;

import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/** The affine map of a linear layer, {@code y = x W^T + b}, as PyTorch's {@code F.linear}. */
final class Affine {
    private Affine() {}

    /** x is {@code [*, in]}, weight {@code [out, in]}, bias {@code [out]} or null; the result is {@code [*, out]}. */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new ShapeException("linear: weight of shape " + Shapes.str(weight.shape())
                    + " must be 2-d [out_features, in_features]");
        }
        if (x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new ShapeException("linear: input of shape " + Shapes.str(x.shape()) + " must end in in_features = "
                    + weight.size(1) + " (weight of shape " + Shapes.str(weight.shape()) + ")");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new ShapeException("linear: bias of shape " + Shapes.str(bias.shape()) + " must be ["
                    + weight.size(0) + "] (out_features)");
        }
        Tensor y;
        if (x.dim() > 2) {
            // One matrix product over all leading dimensions instead of a batched product per row block.
            int[] shape = x.shape();
            Tensor flat = x.reshape(-1, weight.size(1)).matmul(weight.t());
            shape[shape.length - 1] = weight.size(0);
            y = flat.reshape(shape);
        } else {
            y = x.matmul(weight.t());
        }
        return bias == null ? y : y.add(bias);
    }
}
