package dev.kiln.nn;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;

/**
 * Batch normalization of {@code [N, C, H, W]} inputs over the batch and spatial dimensions, per
 * channel; the output has the input's shape. State-dict keys {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}, {@code num_batches_tracked}, as PyTorch's
 * {@code nn.BatchNorm2d}; see {@link BatchNorm}.
 */
public class BatchNorm2d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics (PyTorch's defaults). */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true, DType.FLOAT32);
    }

    /** @param momentum the weight of each new batch in the running statistics, or null for a cumulative average */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
            DType dtype) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, dtype);
    }

    @Override
    protected void checkInput(Tensor x) {
        if (x.dim() != 4) {
            throw new ShapeException("BatchNorm2d: input of shape " + java.util.Arrays.toString(x.shape())
                    + " must be 4-d [N, C, H, W]");
        }
    }
}
