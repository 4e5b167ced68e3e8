package dev.kiln.processor.model;

import com.palantir.javapoet.TypeName;

/**
 * One parameter of a {@code @Forward} method.
 *
 * @param name the parameter's name in the source
 * @param kind how an untyped argument is converted to it
 * @param type its declared type
 */
public record ForwardParameter(String name, Kind kind, TypeName type) {

    /** How {@code Module.apply}/{@code call} arguments reach the parameter. */
    public enum Kind {
        /** A {@code Tensor}. */
        TENSOR,
        /** A trailing {@code Tensor...} or {@code Tensor[]}: every remaining argument. */
        TENSORS,
        /** A primitive hyperparameter, unboxed from its box. */
        PRIMITIVE,
        /** A boxed primitive or a {@code String}; may be null. */
        REFERENCE
    }
}
