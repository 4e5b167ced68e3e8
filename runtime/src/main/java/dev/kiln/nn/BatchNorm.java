package dev.kiln.nn;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.autograd.GradMode;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;

/**
 * The shared body of {@link BatchNorm1d} and {@link BatchNorm2d} (PyTorch's {@code _BatchNorm}):
 * per-channel normalization of an input with channels in dimension 1, the output shaped like the
 * input. Parameters {@code weight [C]} (ones) and {@code bias [C]} (zeros) when affine; buffers
 * {@code running_mean [C]} (zeros), {@code running_var [C]} (ones) and {@code num_batches_tracked}
 * (a 0-d int64) when tracking running statistics, under PyTorch's state-dict keys.
 *
 * <p>In training the batch statistics normalize and the running ones move towards them by
 * {@code momentum} (a cumulative average when momentum is null); in evaluation the running
 * statistics normalize.
 */
public abstract class BatchNorm extends Module {
    @Param Tensor weight;
    @Param Tensor bias;
    @Buffer Tensor running_mean;
    @Buffer Tensor running_var;
    @Buffer Tensor num_batches_tracked;
    private final int numFeatures;
    // Package-private, not private: the generated BatchNorm_Compiled reads it.
    final double eps;
    private final Double momentum;

    /**
     * @param momentum the weight of each new batch in the running statistics, or null for a cumulative average
     */
    protected BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
            DType dtype) {
        this.numFeatures = LayerParams.positive(getClass().getSimpleName(), "num_features", numFeatures);
        if (!(eps > 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be positive, got " + eps);
        }
        this.eps = eps;
        this.momentum = momentum;
        if (affine) {
            weight = LayerParams.constant(dtype, 1, numFeatures);
            bias = LayerParams.constant(dtype, 0, numFeatures);
        }
        if (trackRunningStats) {
            running_mean = Tensor.zeros(dtype, numFeatures);
            running_var = Tensor.ones(dtype, numFeatures);
            num_batches_tracked = Tensor.scalar(DType.INT64, 0);
        }
    }

    /** Checks the input's rank; the message names the layer and the expected layout. */
    protected abstract void checkInput(Tensor x);

    /** {@code [N, C, ...]} to the same shape. */
    @Forward
    public Tensor forward(Tensor x) {
        checkInput(x);
        checkChannels(x);
        double factor = momentumFactor();
        boolean useBatchStatistics = isTraining() || running_mean == null;
        return F.batchNorm(x, running_mean, running_var, weight, bias, useBatchStatistics, factor, eps);
    }

    /** Throws unless dimension 1 of {@code x} holds {@code numFeatures} channels. */
    final void checkChannels(Tensor x) {
        if (x.size(1) != numFeatures) {
            throw new dev.kiln.tensor.ShapeException(getClass().getSimpleName() + ": input of shape "
                    + java.util.Arrays.toString(x.shape()) + " has " + x.size(1) + " channels, expected "
                    + numFeatures);
        }
    }

    /**
     * The weight of this batch in the running statistics: {@code momentum}, or with a null momentum in
     * training the cumulative average {@code 1 / batches}. In training it counts the batch in
     * {@code num_batches_tracked}; a method of its own because that update reads and writes a buffer,
     * which a compiled forward calls as is rather than compiles.
     */
    final double momentumFactor() {
        double factor = momentum == null ? 0 : momentum;
        if (isTraining() && num_batches_tracked != null) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                long batches = (long) num_batches_tracked.item() + 1;
                num_batches_tracked.fill(batches);
                if (momentum == null) {
                    factor = 1.0 / batches;
                }
            }
        }
        return factor;
    }

    /** The per-channel scale, or null when not affine. */
    public Tensor weight() {
        return weight;
    }

    /** The per-channel shift, or null when not affine. */
    public Tensor bias() {
        return bias;
    }

    /** The running mean, or null when running statistics are not tracked. */
    public Tensor runningMean() {
        return running_mean;
    }

    /** The running (unbiased) variance, or null when running statistics are not tracked. */
    public Tensor runningVar() {
        return running_var;
    }

    public int numFeatures() {
        return numFeatures;
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + (momentum == null ? "None" : momentum) + ", affine="
                + LayerParams.pyBool(weight != null) + ", track_running_stats="
                + LayerParams.pyBool(running_mean != null);
    }
}
