/**
 * The op specification table: each op's parameters and derivative rules, as data that both the
 * runtime's eager autograd (through the generated {@code Derivatives} class) and the processor's
 * differentiator read. See {@link dev.kiln.annotations.spec.OpTable}.
 */
package dev.kiln.annotations.spec;
