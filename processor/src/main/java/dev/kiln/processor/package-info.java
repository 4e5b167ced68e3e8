/**
 * The Kiln annotation processor: {@link dev.kiln.processor.KilnProcessor}, a thin shell that runs
 * processing steps. The pipeline follows the packages: {@code step} (which classes, when) →
 * {@code validate} (every problem of a class) → {@code model} (immutable descriptors) →
 * {@code codegen.java} (Java sources); {@code diag} holds the one catalogue of messages. Later
 * stages add {@code autodiff} (the adjoint of a forward IR) and {@code codegen.cuda} (kernels).
 */
package dev.kiln.processor;
