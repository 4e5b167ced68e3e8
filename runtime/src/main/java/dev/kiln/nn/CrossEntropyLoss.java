package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.functional.CrossEntropyOptions;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.Tensor;

/**
 * Cross-entropy of logits {@code [N, C]} (or {@code [C]}, {@code [N, C, d1, ...]}) against INT64 class
 * indices {@code [N]} or class probabilities of the logits' shape; a 0-d loss, or one per prediction
 * with {@code Reduction.NONE}. See {@link F#crossEntropy(Tensor, Tensor, CrossEntropyOptions)}. No parameters.
 */
public class CrossEntropyLoss extends Module {
    // Package-private, not private: the generated CrossEntropyLoss_Compiled reads it.
    final CrossEntropyOptions options;

    /** PyTorch's defaults: mean, no weights, ignore index -100, no label smoothing. */
    public CrossEntropyLoss() {
        this(CrossEntropyOptions.defaults());
    }

    public CrossEntropyLoss(CrossEntropyOptions options) {
        this.options = options;
    }

    /** Logits and targets to the loss. */
    @Forward
    public Tensor forward(Tensor logits, Tensor target) {
        return F.crossEntropy(logits, target, options);
    }
}
