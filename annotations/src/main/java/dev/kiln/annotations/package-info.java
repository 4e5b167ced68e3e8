/**
 * The annotations that describe a Kiln module: {@link dev.kiln.annotations.Layer} (child modules),
 * {@link dev.kiln.annotations.Param} (trainable tensors), {@link dev.kiln.annotations.Buffer}
 * (saved, untrained tensors) and {@link dev.kiln.annotations.Forward} (the output). They are
 * retained at run time so that a class compiled without the processor still works through a
 * reflective fallback. This package has no dependencies.
 */
package dev.kiln.annotations;
