package dev.kiln.processor.model.ir;

import java.util.List;

/**
 * The IR of a compiled {@code @Forward} body: straight-line tensor code in SSA form.
 *
 * @param inputs the tensor parameters, in order
 * @param steps the steps, in order
 * @param result the returned value
 */
public record ForwardIr(List<Value> inputs, List<Step> steps, Value result) {
    /** Copies the lists. */
    public ForwardIr {
        inputs = List.copyOf(inputs);
        steps = List.copyOf(steps);
    }
}
