package dev.kiln.autograd;

/**
 * A gradient check failed: the gradient autograd computed for one element of one input differs
 * from the finite-difference estimate by more than the tolerance. It extends {@link AssertionError},
 * so a test that calls {@link GradCheck} fails (rather than errors) and JUnit prints the message.
 */
public final class GradCheckException extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final int inputIndex;
    private final int[] element;
    private final double analytical;
    private final double numerical;

    GradCheckException(String message, int inputIndex, int[] element, double analytical, double numerical) {
        super(message);
        this.inputIndex = inputIndex;
        this.element = element.clone();
        this.analytical = analytical;
        this.numerical = numerical;
    }

    /** The position of the offending input in the argument list of the check. */
    public int inputIndex() {
        return inputIndex;
    }

    /** The coordinates of the offending element within that input (empty for a 0-d input or a random direction). */
    public int[] element() {
        return element.clone();
    }

    /** The derivative autograd computed. */
    public double analytical() {
        return analytical;
    }

    /** The central finite-difference estimate. */
    public double numerical() {
        return numerical;
    }
}
