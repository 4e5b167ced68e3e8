package dev.kiln.data;

import dev.kiln.io.FileFormatException;
import java.nio.file.Path;

/**
 * A data file (MNIST IDX, CIFAR-10 binary) is truncated, oversized or malformed; the message names
 * the path, the byte offset and what was expected, e.g.
 * {@code t10k-labels-idx1-ubyte.gz: truncated at byte offset 1008: expected 10000 labels (10008 bytes), file ends after 1008 bytes}.
 */
public class DataFileException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** A problem at {@code offset} of {@code path}. */
    public DataFileException(Path path, long offset, String problem, String expected) {
        super(path, offset, problem, expected);
    }

    /** A problem revealed by a lower-level exception (a corrupt gzip stream). */
    public DataFileException(Path path, long offset, String problem, String expected, Throwable cause) {
        super(path, offset, problem, expected, cause);
    }
}
