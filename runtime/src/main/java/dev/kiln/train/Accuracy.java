package dev.kiln.train;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.Tensor;

/** Counts correct classifications: the arg-max of [N, C] outputs against class indices or one-hot targets. */
final class Accuracy {
    private Accuracy() {}

    /** How many rows of {@code output} pick the target class; 0 when the output is not [N, C] scores. */
    static long correct(Tensor output, Tensor target) {
        if (output.dim() != 2) {
            return 0;
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor predicted = output.argmax(1, false);
            Tensor classes = target.dim() == 2 && target.dtype().isFloating() ? target.argmax(1, false) : target;
            if (!classes.hasShape(predicted.shape())) {
                return 0;
            }
            return (long) predicted.eq(classes.to(predicted.dtype())).sum().item();
        }
    }
}
