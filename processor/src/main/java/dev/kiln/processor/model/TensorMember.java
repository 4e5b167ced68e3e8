package dev.kiln.processor.model;

/**
 * A {@code @Param} or {@code @Buffer} field of type {@code Tensor}.
 *
 * @param name the field name
 * @param kind parameter or buffer
 * @param persistent whether it is saved in the state dict (always true for parameters)
 */
public record TensorMember(String name, TensorKind kind, boolean persistent) implements MemberModel {

    /** Whether a tensor is trained ({@code @Param}) or only kept ({@code @Buffer}). */
    public enum TensorKind { PARAMETER, BUFFER }
}
