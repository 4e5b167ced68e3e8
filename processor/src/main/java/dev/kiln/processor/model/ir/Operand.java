package dev.kiln.processor.model.ir;

/**
 * An argument of a step: a tensor {@link Value}, a list of them, or a scalar Java expression evaluated
 * in the forward.
 */
public sealed interface Operand {
    /** A tensor argument. */
    record TensorArg(Value value) implements Operand {}

    /** A {@code List<Tensor>} argument written as {@code List.of(a, b, ...)}, as {@code Ops.concat} takes. */
    record TensorList(java.util.List<Value> values) implements Operand {
        public TensorList {
            values = java.util.List.copyOf(values);
        }
    }

    /**
     * A non-tensor argument (a hyperparameter, a constant, an expression on shapes).
     *
     * @param source the Java expression, with fields read through {@code module}
     * @param type its Java type as written in source ({@code int}, {@code double}, {@code int[]}, ...)
     */
    record ScalarArg(String source, String type) implements Operand {}
}
