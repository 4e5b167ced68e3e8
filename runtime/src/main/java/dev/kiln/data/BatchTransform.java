package dev.kiln.data;

import dev.kiln.data.transforms.Transform;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * A transform of a whole batch, run by the {@link DataLoader} (on its prefetch thread) with a
 * generator seeded from the loader's seed, the epoch and the batch index, so that augmentation
 * is reproducible and a resumed run draws exactly what an uninterrupted one would.
 *
 * @param <B> the type of a batch
 */
@FunctionalInterface
public interface BatchTransform<B> {
    /** The transformed batch. */
    B apply(B batch, Generator generator);

    /**
     * Applies an image transform to each input of a {@link Batch} ([B, C, H, W] in, [B, ...] out:
     * every example's result must have the same shape); targets are unchanged.
     */
    static BatchTransform<Batch> onInputs(Transform transform) {
        return (batch, generator) -> {
            Tensor in = batch.input();
            int n = in.size(0);
            float[] out = null;
            int[] itemShape = null;
            int itemSize = 0;
            for (int i = 0; i < n; i++) {
                Tensor y = transform.apply(in.select(0, i), generator);
                if (out == null) {
                    itemShape = y.shape();
                    itemSize = y.numel();
                    out = new float[n * itemSize];
                } else if (!y.hasShape(itemShape)) {
                    throw new ShapeException("DataLoader: the input transform made example " + i + " of shape "
                            + Shapes.str(y.shape()) + " but example 0 of shape " + Shapes.str(itemShape)
                            + "; a batch needs equal shapes");
                }
                System.arraycopy(y.toFloatArray(), 0, out, i * itemSize, itemSize);
            }
            if (out == null) {
                return batch;
            }
            int[] shape = new int[itemShape.length + 1];
            shape[0] = n;
            System.arraycopy(itemShape, 0, shape, 1, itemShape.length);
            Tensor input = new Tensor(Storage.wrap(out), shape, Shapes.contiguousStrides(shape), 0);
            return new Batch(input, batch.target());
        };
    }
}
