package dev.kiln.data.transforms;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Several transforms applied in order, like torchvision's {@code Compose}; [C, H, W] in, whatever the last one gives out. */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    /** Applies {@code transforms} left to right. */
    public Compose(Transform... transforms) {
        this(List.of(transforms));
    }

    /** Applies {@code transforms} in list order. */
    public Compose(List<Transform> transforms) {
        this.transforms = List.copyOf(transforms);
    }

    /** The transforms, in order. */
    public List<Transform> transforms() {
        return transforms;
    }

    @Override
    public Tensor apply(Tensor image, Generator generator) {
        Tensor x = image;
        for (Transform t : transforms) {
            x = t.apply(x, generator);
        }
        return x;
    }
}
