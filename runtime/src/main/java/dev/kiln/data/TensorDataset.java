package dev.kiln.data;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * A dataset over two tensors that share their first dimension, inputs [N, ...] and targets
 * [N, ...]: example i is (inputs[i], targets[i]), like PyTorch's {@code TensorDataset}.
 *
 * <p>{@link #batch(int[])} gathers the rows of a batch directly into one contiguous tensor per
 * side, without a tensor per example; {@link DataLoader} uses it.
 */
public final class TensorDataset implements Dataset<Example> {
    private final Tensor inputs;
    private final Tensor targets;

    /** A dataset of {@code inputs[i], targets[i]}; both must have the same size in dimension 0. */
    public TensorDataset(Tensor inputs, Tensor targets) {
        if (inputs.dim() == 0 || targets.dim() == 0) {
            throw new ShapeException("TensorDataset: inputs " + Shapes.str(inputs.shape()) + " and targets "
                    + Shapes.str(targets.shape()) + " must both have a first (example) dimension");
        }
        if (inputs.size(0) != targets.size(0)) {
            throw new ShapeException("TensorDataset: inputs of shape " + Shapes.str(inputs.shape())
                    + " and targets of shape " + Shapes.str(targets.shape())
                    + " differ in the first dimension (" + inputs.size(0) + " != " + targets.size(0) + ")");
        }
        // Detached and contiguous once here, so that every batch is a plain row copy.
        this.inputs = inputs.detach().contiguous().detach();
        this.targets = targets.detach().contiguous().detach();
    }

    /** All inputs, [N, ...]. */
    public Tensor inputs() {
        return inputs;
    }

    /** All targets, [N, ...]. */
    public Tensor targets() {
        return targets;
    }

    @Override
    public int size() {
        return inputs.size(0);
    }

    /** Example {@code index}: views of row {@code index} of the inputs and targets (no copy). */
    @Override
    public Example get(int index) {
        checkIndex(index);
        return new Example(inputs.select(0, index), targets.select(0, index));
    }

    /** The examples at {@code indices}, gathered into a new contiguous batch. */
    public Batch batch(int[] indices) {
        for (int index : indices) {
            checkIndex(index);
        }
        return new Batch(gatherRows(inputs, indices), gatherRows(targets, indices));
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("TensorDataset: index " + index + " is out of range for "
                    + size() + " examples");
        }
    }

    private static Tensor gatherRows(Tensor source, int[] indices) {
        int[] shape = source.shape();
        int row = shape[0] == 0 ? 0 : source.numel() / shape[0];
        shape[0] = indices.length;
        DType dtype = source.dtype();
        Storage out = Storage.allocate(dtype, indices.length * row);
        Storage in = source.storage();
        int base = source.offset();
        for (int i = 0; i < indices.length; i++) {
            int from = base + indices[i] * row;
            int to = i * row;
            switch (dtype) {
                case FLOAT32 -> System.arraycopy(in.floats(), from, out.floats(), to, row);
                case FLOAT64 -> System.arraycopy(in.doubles(), from, out.doubles(), to, row);
                case INT32 -> System.arraycopy(in.ints(), from, out.ints(), to, row);
                case INT64 -> System.arraycopy(in.longs(), from, out.longs(), to, row);
            }
        }
        return new Tensor(out, shape, Shapes.contiguousStrides(shape), 0);
    }
}
