package dev.kiln.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code dev.kiln.tensor.Tensor} field of a {@code dev.kiln.nn.Module} as a trainable
 * parameter: it is listed by {@code parameters()} and {@code namedParameters()} (under the field's
 * name), saved by {@code stateDict()} and zeroed by {@code zeroGrad()}.
 *
 * <p>The module creates the tensor (and marks it {@code requiresGrad(true)} if it is to be trained);
 * a null field is skipped, like a PyTorch parameter registered as {@code None}.
 *
 * <p>The field must not be private, static or final: the generated code reads it directly and
 * reassigns it when the module moves to another device ({@code to(device)}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Param {
}
