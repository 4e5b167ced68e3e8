/**
 * The IR of compiled {@code @Forward} bodies: immutable records of straight-line tensor code in SSA
 * form, built by {@code dev.kiln.processor.autodiff.ForwardReader} and turned into a forward and its
 * reverse-mode adjoint by {@code dev.kiln.processor.codegen.java.CompiledWriter}.
 */
package dev.kiln.processor.model.ir;
