/**
 * The compiled-forward stage: {@link dev.kiln.processor.autodiff.ForwardReader} reads a
 * {@code @Forward} body into the IR of {@code dev.kiln.processor.model.ir};
 * {@link dev.kiln.processor.autodiff.TreesAccess} finds javac's tree API behind build tools' wrappers.
 * The adjoint is written by {@code dev.kiln.processor.codegen.java.CompiledWriter}.
 */
package dev.kiln.processor.autodiff;
