package dev.kiln.processor.model.ir;

/**
 * A tensor in a compiled forward: an input, a module field, or the result of a step.
 *
 * @param name the generated name, after the user's variable ({@code h}, {@code h2}) or a temporary
 *     ({@code t1}); for a field, the field's name
 * @param kind where it comes from
 */
public record Value(String name, Kind kind) {
    /** Where a value comes from, which decides where its gradient goes. */
    public enum Kind {
        /** A {@code Tensor} parameter of {@code @Forward}: its gradient is returned. */
        INPUT,
        /** A {@code @Param} field: its gradient goes into the sink. */
        PARAM,
        /** A {@code @Buffer} or plain tensor field: a constant, no gradient. */
        CONSTANT,
        /** The result of a step: its gradient is a local of the backward. */
        LOCAL
    }
}
