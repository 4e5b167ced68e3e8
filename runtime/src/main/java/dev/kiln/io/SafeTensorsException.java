package dev.kiln.io;

import java.nio.file.Path;

/** A safetensors file (or a checkpoint stored in one) is malformed; names the path, the byte offset and what was expected. */
public class SafeTensorsException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    /** A problem at {@code offset} of {@code path}. */
    public SafeTensorsException(Path path, long offset, String problem, String expected) {
        super(path, offset, problem, expected);
    }
}
