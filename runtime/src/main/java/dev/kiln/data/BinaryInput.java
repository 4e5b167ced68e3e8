package dev.kiln.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Sequential reading of a binary data file, plain or gzip-compressed (detected by its magic bytes
 * 1f 8b), that counts byte offsets and turns every short read or corrupt stream into a
 * {@link DataFileException} naming the path and offset.
 *
 * <p>Sizes declared by a file are never trusted for allocation: a plain file's length is checked
 * before a buffer is allocated, and a compressed stream is read into a buffer that grows with
 * the data actually present, up to the declared size.
 */
public final class BinaryInput implements AutoCloseable {
    private static final int INITIAL_CAPACITY = 1 << 20;

    private final Path path;
    private final InputStream in;
    private final boolean compressed;
    private final long knownLength;
    private long offset;

    private BinaryInput(Path path, InputStream in, boolean compressed, long knownLength) {
        this.path = path;
        this.in = in;
        this.compressed = compressed;
        this.knownLength = knownLength;
    }

    /** Opens {@code path}, decompressing it if it starts with the gzip magic bytes. */
    public static BinaryInput open(Path path) {
        InputStream raw = null;
        try {
            long size = Files.size(path);
            raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                try {
                    return new BinaryInput(path, new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16),
                            true, -1);
                } catch (EOFException | ZipException e) {
                    raw.close();
                    throw new DataFileException(path, 0, "corrupt gzip header", "expected a gzip stream (the file "
                            + "starts with the gzip magic bytes 1f 8b): " + e.getMessage(), e);
                }
            }
            return new BinaryInput(path, raw, false, size);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(path + ": no such file", e);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The file being read. */
    public Path path() {
        return path;
    }

    /** Whether the file is gzip-compressed (offsets then count decompressed bytes). */
    public boolean compressed() {
        return compressed;
    }

    /** The number of (decompressed) bytes read so far. */
    public long offset() {
        return offset;
    }

    /** The file's length for a plain file, or -1 for a compressed one (unknown until read). */
    public long knownLength() {
        return knownLength;
    }

    /** Reads a big-endian 32-bit integer; {@code expected} describes the whole structure being read, for errors. */
    public int readIntBE(String expected) {
        byte[] b = new byte[4];
        readFully(b, 0, 4, expected);
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** Reads exactly {@code len} bytes into {@code dst}, or fails with the offset where the data ended. */
    public void readFully(byte[] dst, int off, int len, String expected) {
        int done = 0;
        while (done < len) {
            int r = read(dst, off + done, len - done, expected);
            if (r < 0) {
                throw truncated(expected);
            }
            done += r;
        }
    }

    /**
     * Reads exactly {@code count} bytes; a plain file too short for them fails before anything is
     * allocated, and a compressed one fails as soon as its data ends.
     */
    public byte[] readExactly(long count, String expected) {
        if (count < 0 || count > Integer.MAX_VALUE - 16) {
            throw new DataFileException(path, offset, "declared size of " + count + " bytes", expected);
        }
        if (knownLength >= 0 && offset + count > knownLength) {
            throw new DataFileException(path, knownLength, "truncated", expected + ", " + endsAfter(knownLength));
        }
        int n = (int) count;
        byte[] out = new byte[compressed ? Math.min(n, INITIAL_CAPACITY) : n];
        int done = 0;
        while (done < n) {
            if (done == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            int r = read(out, done, out.length - done, expected);
            if (r < 0) {
                throw truncated(expected);
            }
            done += r;
        }
        return out;
    }

    /** Reads everything that is left, failing once more than {@code cap} bytes remain. */
    public byte[] readToEnd(long cap, String expected) {
        if (knownLength >= 0 && knownLength - offset > cap) {
            throw new DataFileException(path, offset + cap, "oversized",
                    expected + " (at most " + cap + " bytes), the file has " + knownLength + " bytes");
        }
        byte[] out = new byte[(int) Math.min(cap, knownLength >= 0 ? knownLength - offset : INITIAL_CAPACITY)];
        byte[] probe = new byte[1];
        int done = 0;
        while (true) {
            if (done == out.length) {
                // Probe for one more byte before growing, so an exact fit allocates nothing more.
                if (read(probe, 0, 1, expected) < 0) {
                    return out;
                }
                if (done >= cap) {
                    throw new DataFileException(path, offset - 1, "oversized",
                            expected + " (at most " + cap + " bytes), the data goes on");
                }
                out = Arrays.copyOf(out, (int) Math.min(cap, Math.max(16L, 2L * out.length)));
                out[done++] = probe[0];
                continue;
            }
            int r = read(out, done, out.length - done, expected);
            if (r < 0) {
                return Arrays.copyOf(out, done);
            }
            done += r;
        }
    }

    /** Checks that the data ends here (and, for gzip, that the stream's checksum is right). */
    public void expectEnd(String expected) {
        byte[] one = new byte[1];
        int r = read(one, 0, 1, expected);
        if (r >= 0) {
            long at = offset - 1;
            String has = knownLength >= 0 ? "the file has " + knownLength + " bytes" : "the decompressed data goes on";
            throw new DataFileException(path, at, "oversized", expected + ", " + has);
        }
    }

    private int read(byte[] dst, int off, int len, String expected) {
        try {
            int r = in.read(dst, off, len);
            if (r > 0) {
                offset += r;
            }
            return r;
        } catch (EOFException e) {
            throw new DataFileException(path, offset, "truncated gzip stream",
                    expected + ", the compressed data ends early: " + e.getMessage(), e);
        } catch (ZipException e) {
            throw new DataFileException(path, offset, "corrupt gzip stream",
                    expected + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read at byte offset " + offset + ": " + e.getMessage(), e);
        }
    }

    private DataFileException truncated(String expected) {
        return new DataFileException(path, offset, "truncated", expected + ", " + endsAfter(offset));
    }

    private String endsAfter(long bytes) {
        return (compressed ? "decompressed data ends after " : "file ends after ") + bytes + " bytes";
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing was written; a failed close of a read-only stream loses nothing.
        }
    }

    private static void closeQuietly(InputStream s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Reporting the original failure matters more.
            }
        }
    }
}
