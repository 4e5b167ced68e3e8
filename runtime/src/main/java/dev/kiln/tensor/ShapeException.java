package dev.kiln.tensor;

/** A tensor argument had the wrong shape, rank, dtype or dimension; the message names the op and the shapes. */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
