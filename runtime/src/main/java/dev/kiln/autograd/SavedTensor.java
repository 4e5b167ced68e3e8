package dev.kiln.autograd;

import dev.kiln.tensor.Tensor;

/**
 * A tensor a node keeps for its backward, with the storage version it had when saved: if the
 * tensor is modified in place before backward reads it, the gradient would be silently wrong,
 * so {@link #get()} reports it instead.
 */
public final class SavedTensor {
    private final String op;
    private Tensor tensor;
    private final int version;

    SavedTensor(String op, Tensor tensor) {
        this.op = op;
        this.tensor = tensor;
        this.version = tensor.storage().version();
    }

    /** The saved tensor, checked against in-place modification. */
    public Tensor get() {
        if (tensor == null) {
            throw new IllegalStateException(op + ": its saved tensors were freed by an earlier backward; "
                    + "call backward(grad, retainGraph = true, ...) the first time to backward through the graph twice");
        }
        int now = tensor.storage().version();
        if (now != version) {
            throw new IllegalStateException(op + ": a tensor of shape " + java.util.Arrays.toString(tensor.shape())
                    + " that it saved for backward was modified in place (version " + now + ", saved at version "
                    + version + "); use an out-of-place op or clone it before modifying");
        }
        return tensor;
    }

    void release() {
        tensor = null;
    }
}
