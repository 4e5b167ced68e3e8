package dev.kiln.data.transforms;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/** Checks and raw access shared by the image transforms. */
final class Images {
    private Images() {}

    /** {@code image} as a contiguous float32 [C, H, W] tensor, or a ShapeException naming {@code op}. */
    static Tensor check(String op, Tensor image) {
        if (image.dim() != 3 || image.dtype() != DType.FLOAT32) {
            throw new ShapeException(op + ": expects a float32 image [C, H, W], got " + image.dtype() + " of shape "
                    + Shapes.str(image.shape()));
        }
        return image.isContiguous() ? image.detach() : image.copy();
    }

    /** A new float32 tensor over {@code values} with {@code shape}. */
    static Tensor wrap(float[] values, int... shape) {
        return new Tensor(Storage.wrap(values), shape, Shapes.contiguousStrides(shape), 0);
    }
}
