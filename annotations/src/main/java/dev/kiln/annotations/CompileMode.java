package dev.kiln.annotations;

/**
 * How the processor treats the body of a {@link Forward} method.
 *
 * <p>Compiling forward bodies into generated forward/backward code is a later stage of the
 * processor; until then every mode runs eagerly on the autograd tape.
 */
public enum CompileMode {
    /** Compile the body when the processor can, otherwise run it eagerly and print a note saying why. */
    AUTO,
    /** Compile the body; a body the processor cannot compile is a compile error. */
    REQUIRED,
    /** Never compile: always run eagerly on the autograd tape. */
    EAGER
}
