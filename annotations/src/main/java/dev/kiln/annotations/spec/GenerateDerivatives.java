package dev.kiln.annotations.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks the Kiln processor to write {@code Derivatives}, one static method per differentiable input
 * of each op in {@link OpTable}, into the package of the annotated class. The runtime puts it on
 * one class of {@code dev.kiln.ops}, so eager autograd and compiled backwards call the same rules.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GenerateDerivatives {}
