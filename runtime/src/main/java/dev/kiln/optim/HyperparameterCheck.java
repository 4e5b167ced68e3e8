package dev.kiln.optim;

/**
 * Validation of optimizer and scheduler hyperparameters: each check returns the value or throws an
 * {@link IllegalArgumentException} that names the owner, the hyperparameter and the offending value
 * ({@code Adam: lr must be a finite number >= 0, got NaN}).
 */
public final class HyperparameterCheck {
    private HyperparameterCheck() {}

    /** A finite number >= 0 (learning rates, eps, weight decay, momentum). */
    public static double nonNegative(String owner, String name, double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** A finite number > 0. */
    public static double positive(String owner, String name, double value) {
        if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** Any finite number. */
    public static double finite(String owner, String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a finite number, got " + value);
        }
        return value;
    }

    /** A number in [0, 1) (Adam's betas). */
    public static double inUnitInterval(String owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a number in [0, 1), got " + value);
        }
        return value;
    }

    /** A number in [lo, hi]. */
    public static double inRange(String owner, String name, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a number in [" + lo + ", " + hi + "], got "
                    + value);
        }
        return value;
    }

    /** An integer >= {@code min}. */
    public static int atLeast(String owner, String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(owner + ": " + name + " must be an integer >= " + min + ", got " + value);
        }
        return value;
    }
}
