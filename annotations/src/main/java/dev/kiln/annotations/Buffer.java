package dev.kiln.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code dev.kiln.tensor.Tensor} field of a {@code dev.kiln.nn.Module} as state that is not
 * trained, such as BatchNorm's running mean: listed by {@code namedBuffers()}, moved by
 * {@code to(device)} and, unless {@link #persistent()} is false, saved by {@code stateDict()}.
 *
 * <p>The same rules as {@link Param} apply to the field: not private, static or final; null is skipped.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Buffer {
    /**
     * Whether the buffer is part of the state dict (PyTorch's {@code register_buffer(..., persistent=)}).
     * A non-persistent buffer is still listed by {@code namedBuffers()} and moved by {@code to(device)}.
     */
    boolean persistent() default true;
}
