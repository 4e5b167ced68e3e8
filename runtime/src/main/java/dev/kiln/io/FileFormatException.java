package dev.kiln.io;

import java.nio.file.Path;

/**
 * A file's contents are not what its format requires; the message names the path, the byte
 * offset of the problem and what was expected there.
 *
 * <p>Kiln's readers validate a file completely before trusting any size or offset in it, so a
 * truncated, oversized or hostile file ends in this exception, never in an index error or an
 * unbounded allocation. Offsets in gzip-compressed files count decompressed bytes.
 */
public class FileFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final long offset;

    /**
     * A problem at {@code offset} of {@code path}; the message reads
     * {@code "<path>: <problem> at byte offset <offset>: <expected>"}.
     */
    public FileFormatException(Path path, long offset, String problem, String expected) {
        this(path, offset, problem, expected, null);
    }

    /** The same, with the lower-level exception that revealed the problem. */
    public FileFormatException(Path path, long offset, String problem, String expected, Throwable cause) {
        super(path + ": " + problem + " at byte offset " + offset + ": " + expected, cause);
        this.path = path;
        this.offset = offset;
    }

    /** The file that is malformed. */
    public Path path() {
        return path;
    }

    /** The byte offset where the problem was found (decompressed bytes for a gzip file). */
    public long offset() {
        return offset;
    }
}
