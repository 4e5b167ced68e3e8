package dev.kiln.processor.model.ir;

import java.util.List;

/**
 * The IR of a compiled {@code @Forward} body: straight-line tensor code in SSA form.
 *
 * @param inputs the tensor parameters, in order
 * @param steps the steps, in order
 * @param result the returned value; for a body that returns a record of tensors, the array of its
 *     components ({@link Value.Kind#ARRAY}, declared by a top-level {@link Step.NewArray})
 * @param resultRecord the qualified name of that record ({@code dev.kiln.nn.LSTMCell.State}), or null for
 *     a body that returns a {@code Tensor}
 */
public record ForwardIr(List<Value> inputs, List<Step> steps, Value result, String resultRecord) {
    /** Copies the lists. */
    public ForwardIr {
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
    }

    /** A body that returns one tensor. */
    public ForwardIr(List<Value> inputs, List<Step> steps, Value result) {
        this(inputs, steps, result, null);
    }

    /** How many tensors the forward returns: 1, or the record's components. */
    public int resultCount() {
        if (resultRecord == null) {
            return 1;
        }
        for (Step s : steps) {
            if (s instanceof Step.NewArray a && a.array().equals(result)) {
                return a.elements().size();
            }
        }
        throw new IllegalStateException("the record's components are not declared at the top level");
    }
}
