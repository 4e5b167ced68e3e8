package dev.kiln.data.transforms;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A data transform on one image, float32 [C, H, W], like torchvision's transforms; random
 * transforms draw from the generator they are given, so a data pipeline is reproducible from a
 * seed (the {@link dev.kiln.data.DataLoader} gives each batch its own seeded generator).
 */
@FunctionalInterface
public interface Transform {
    /** The transformed image; may return {@code image} itself when nothing changes. */
    Tensor apply(Tensor image, Generator generator);

    /** This transform followed by {@code next}. */
    default Transform andThen(Transform next) {
        return new Compose(this, next);
    }
}
