package dev.kiln.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one method of a {@code dev.kiln.nn.Module} that computes its output.
 *
 * <p>The method stays typed ({@code Tensor forward(Tensor x)}); the generated code adds an untyped
 * entry, {@code Module.apply(Tensor...)}, through which trainers and {@code summary(...)} call any
 * module. Rules, each checked at compile time:
 * <ul>
 *   <li>an instance method, not private, static or abstract, that
 *       returns a value (normally a {@code Tensor}; another type, such as a record of tensors, is
 *       allowed and reachable through {@code Module.call(Object...)});</li>
 *   <li>its parameters are tensors ({@code Tensor}, a trailing {@code Tensor...}) or hyperparameters
 *       (primitives, their boxes, {@code String});</li>
 *   <li>no checked exceptions;</li>
 *   <li>at most one per class. A class without one inherits its superclass's; an abstract class may
 *       have none and leave it to its subclasses.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Forward {
    /** Whether the processor must compile this method (see {@link CompileMode}). */
    CompileMode compile() default CompileMode.AUTO;
}
