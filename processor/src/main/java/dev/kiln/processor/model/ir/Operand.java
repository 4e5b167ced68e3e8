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
     * A {@code Tensor[]} local passed whole as a {@code List<Tensor>}, written {@code List.of(array)} or
     * {@code Arrays.asList(array)}, as {@code Ops.stack} and {@code Ops.concat} take: the op reads its
     * elements as they are when it runs, and the gradient of each goes to the array's gradient.
     */
    record TensorArray(Value array) implements Operand {}

    /**
     * A non-tensor argument (a hyperparameter, a constant, an expression on shapes).
     *
     * @param source the Java expression, with fields read through {@code module}
     * @param type its Java type as written in source ({@code int}, {@code double}, {@code int[]}, ...)
     */
    record ScalarArg(String source, String type) implements Operand {}
}
