package dev.kiln.data;

/** Loading a batch failed (on the prefetch thread or inline); the cause is the dataset's, collate's or transform's exception. */
public class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
