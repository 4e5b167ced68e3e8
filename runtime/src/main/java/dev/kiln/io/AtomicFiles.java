package dev.kiln.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: readers (and a process that restarts after a crash) see either the
 * old contents or the complete new contents, never a mixture or a truncated file.
 *
 * <p>The new contents go to a temporary file in the same directory (a rename is only atomic
 * within one file system), which is forced to the disk before it is renamed over the target;
 * the directory is then forced too, where the platform allows it, so the rename itself survives
 * a power cut. If anything fails the temporary file is deleted and the old file is untouched. A
 * process killed mid-write can leave a temporary file named {@code .<name>.<random>.tmp} behind;
 * it is never read and can be deleted.
 */
public final class AtomicFiles {

    /** Writes the new contents into the channel it is given (positioned at 0, empty). */
    @FunctionalInterface
    public interface ContentWriter {
        /** Writes the whole file to {@code channel}. */
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code writer} writes, atomically.
     *
     * @throws UncheckedIOException if writing, forcing or renaming fails (the old file is then intact)
     */
    public static void write(Path target, ContentWriter writer) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new UncheckedIOException(new IOException(target + ": is a directory, cannot write a file there"));
        }
        Path temp = null;
        try {
            temp = createTemp(dir, absolute.getFileName().toString());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writer.write(channel);
                channel.force(true);
            }
            move(temp, absolute);
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": could not write the file atomically: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    /** Whether {@code candidate} is a temporary file that {@link #write} creates for {@code target} (a leftover after a kill). */
    public static boolean isTemporaryFor(Path candidate, Path target) {
        String name = candidate.getFileName().toString();
        return name.startsWith("." + target.getFileName() + ".") && name.endsWith(".tmp");
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        // CREATE_NEW with a random name instead of Files.createTempFile: the latter makes the file
        // owner-only (0600), and the checkpoint would silently lose the permissions users expect.
        for (int attempt = 0; ; attempt++) {
            String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path temp = dir.resolve("." + name + "." + random + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 16) {
                    throw e;
                }
            }
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically in " + target.getParent()
                    + "; refusing a non-atomic replace that a crash could leave half-written", e);
        }
    }

    private static void forceDirectory(Path dir) {
        // Opening a directory for reading works on Linux and macOS; elsewhere (Windows) it fails,
        // and the rename is as durable as that platform makes it.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Durability of the rename is best effort where the OS gives no handle on directories.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The original error matters more; a stray temporary file is harmless.
        }
    }
}
