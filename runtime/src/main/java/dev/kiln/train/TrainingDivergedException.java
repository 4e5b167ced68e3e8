package dev.kiln.train;

/** The loss became NaN or infinite; the message names the epoch and step and how to find the op responsible. */
public class TrainingDivergedException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
