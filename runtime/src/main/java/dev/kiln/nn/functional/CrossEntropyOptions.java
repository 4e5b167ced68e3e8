package dev.kiln.nn.functional;

import dev.kiln.ops.Reduction;
import dev.kiln.tensor.Tensor;

/**
 * The optional arguments of {@link F#crossEntropy(Tensor, Tensor, CrossEntropyOptions)}, with
 * PyTorch's defaults (no class weights, ignore index -100, no label smoothing, mean). Immutable;
 * each method returns a changed copy, so options read like keyword arguments:
 * {@code CrossEntropyOptions.defaults().labelSmoothing(0.1).reduction(Reduction.SUM)}.
 */
public final class CrossEntropyOptions {
    private static final CrossEntropyOptions DEFAULTS = new CrossEntropyOptions(null, -100, 0, Reduction.MEAN);

    private final Tensor weight;
    private final int ignoreIndex;
    private final double labelSmoothing;
    private final Reduction reduction;

    private CrossEntropyOptions(Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) {
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.reduction = reduction;
    }

    /** PyTorch's defaults. */
    public static CrossEntropyOptions defaults() {
        return DEFAULTS;
    }

    /** A {@code [C]} tensor of per-class weights (a constant: it receives no gradient), or null for none. */
    public CrossEntropyOptions weight(Tensor classWeights) {
        return new CrossEntropyOptions(classWeights, ignoreIndex, labelSmoothing, reduction);
    }

    /** The class index whose targets contribute neither loss nor gradient (default -100). */
    public CrossEntropyOptions ignoreIndex(int index) {
        return new CrossEntropyOptions(weight, index, labelSmoothing, reduction);
    }

    /** Mixes the target with the uniform distribution: {@code (1 - eps) target + eps / C}; in [0, 1]. */
    public CrossEntropyOptions labelSmoothing(double eps) {
        return new CrossEntropyOptions(weight, ignoreIndex, eps, reduction);
    }

    /** How the per-sample losses are combined (default MEAN). */
    public CrossEntropyOptions reduction(Reduction value) {
        if (value == null) {
            throw new IllegalArgumentException("crossEntropy: reduction must not be null");
        }
        return new CrossEntropyOptions(weight, ignoreIndex, labelSmoothing, value);
    }

    public Tensor weight() {
        return weight;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    public Reduction reduction() {
        return reduction;
    }

    @Override
    public String toString() {
        return "CrossEntropyOptions(weight=" + (weight == null ? "None" : java.util.Arrays.toString(weight.shape()))
                + ", ignore_index=" + ignoreIndex + ", label_smoothing=" + labelSmoothing + ", reduction="
                + reduction + ")";
    }
}
