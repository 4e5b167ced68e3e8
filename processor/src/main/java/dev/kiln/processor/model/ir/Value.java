package dev.kiln.processor.model.ir;

/**
 * A tensor in a compiled forward (an input, a module field, or the result of a step), an array of
 * tensors ({@code Tensor[] perStep}), or {@code null}.
 *
 * @param name the generated name, after the user's variable ({@code h}, {@code h2}) or a temporary
 *     ({@code t1}); for a field, the field's name
 * @param kind where it comes from
 */
public record Value(String name, Kind kind) {
    /** The {@code null} literal where a tensor is expected (a state not given): no value, no gradient. */
    public static final Value NULL = new Value("null", Kind.NULL);

    /** Where a value comes from, which decides where its gradient goes. */
    public enum Kind {
        /** A {@code Tensor} parameter of {@code @Forward}: its gradient is returned. */
        INPUT,
        /** A {@code @Param} field: its gradient goes into the sink. */
        PARAM,
        /** A {@code @Buffer} or plain tensor field: a constant, no gradient. */
        CONSTANT,
        /** The result of a step: its gradient is a local of the backward. */
        LOCAL,
        /**
         * A {@code Tensor[]} local, declared once ({@link Step.NewArray}) and written element by element
         * ({@link Step.Store}): its gradient is an array of gradients, one per element.
         */
        ARRAY,
        /** {@link #NULL}. */
        NULL
    }
}
