package dev.kiln.data;

import dev.kiln.autograd.GradMode;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the examples of one batch into the batch itself, like PyTorch's {@code collate_fn}.
 *
 * @param <T> the type of one example
 * @param <B> the type of a batch
 */
@FunctionalInterface
public interface Collate<T, B> {
    /** The batch made of {@code examples} (in batch order; never empty). */
    B collate(List<T> examples);

    /** Stacks the inputs and the targets of the examples along a new first dimension (PyTorch's default). */
    static Collate<Example, Batch> stack() {
        return examples -> {
            List<Tensor> inputs = new ArrayList<>(examples.size());
            List<Tensor> targets = new ArrayList<>(examples.size());
            for (Example e : examples) {
                inputs.add(e.input());
                targets.add(e.target());
            }
            try (var scope = GradMode.noGrad()) {
                return new Batch(Ops.stack(inputs, 0), Ops.stack(targets, 0));
            }
        };
    }
}
