package dev.kiln.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX and CIFAR-10 files in memory for reader tests. */
public final class DataFiles {
    private DataFiles() {}

    /** An IDX image file: magic 0x00000803, n, rows, cols, then the pixels. */
    public static byte[] idxImages(int n, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(0x00000803).putInt(n).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    /** An IDX label file: magic 0x00000801, n, then the labels. */
    public static byte[] idxLabels(byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(0x00000801).putInt(labels.length).put(labels).array();
    }

    /** {@code n} pixel bytes with every value 0-255 represented. */
    public static byte[] pixels(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 + salt);
        }
        return b;
    }

    /** CIFAR-10 records with the given labels and deterministic pixels. */
    public static byte[] cifar(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(labels.length * 3073);
        for (int r = 0; r < labels.length; r++) {
            b.put((byte) labels[r]).put(pixels(3072, r));
        }
        return b.array();
    }

    /** {@code data} gzip-compressed. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
