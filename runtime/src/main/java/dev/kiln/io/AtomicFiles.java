package dev.kiln.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: readers (and a process that restarts after a crash) see either the
 * old contents or the complete new contents, never a mixture or a truncated file.
 *
 * <p>The new contents go to a temporary file in the same directory (a rename is only atomic
 * within one file system), which is forced to the disk before it is renamed over the target;
 * the directory is then forced too, where the platform allows it, so the rename itself survives
 * a power cut. If anything fails the temporary file is deleted and the old file is untouched.
 *
 * <p>A process killed mid-write leaves its temporary file, {@code .<name>.<random>.tmp}, behind; it
 * is never read. The next successful write of the same target deletes such leftovers, but only
 * those no living writer holds: each writer keeps an exclusive lock on its temporary file until the
 * rename, the operating system drops the lock of a killed process, and writers in this JVM are known
 * by path (a lock probe from the same process would release their locks, POSIX locks being per
 * process).
 */
public final class AtomicFiles {

    /** Writes the new contents into the channel it is given (positioned at 0, empty). */
    @FunctionalInterface
    public interface ContentWriter {
        /** Writes the whole file to {@code channel}. */
        void write(FileChannel channel) throws IOException;
    }

    /** Temporary files this JVM is writing; never probed or deleted as leftovers. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

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
        boolean created = false;
        boolean renamed = false;
        try {
            temp = reserveTemp(dir, absolute.getFileName().toString());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                created = true;
                FileLock lock = lockIfSupported(channel);
                writer.write(channel);
                channel.force(true);
                // Renamed while still locked, so that no other process ever finds it unlocked under
                // its temporary name and takes it for a leftover.
                move(temp, absolute);
                renamed = true;
                if (lock != null) {
                    lock.release();
                }
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": could not write the file atomically: " + e.getMessage(), e);
        } finally {
            if (created && !renamed) {
                deleteQuietly(temp);
            }
            if (temp != null) {
                IN_PROGRESS.remove(temp);
            }
        }
        deleteLeftovers(dir, absolute);
    }

    /**
     * Whether {@code candidate} is a temporary file that {@link #write} creates for {@code target}
     * ({@code .<name>.<hex digits>.tmp}, in the same directory): a leftover once its writer is gone.
     */
    public static boolean isTemporaryFor(Path candidate, Path target) {
        if (candidate.getFileName() == null || target.getFileName() == null) {
            return false;
        }
        String name = candidate.getFileName().toString();
        String prefix = "." + target.getFileName() + ".";
        if (!name.startsWith(prefix) || !name.endsWith(".tmp") || name.length() <= prefix.length() + 4) {
            return false;
        }
        return name.substring(prefix.length(), name.length() - 4).chars()
                .allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /**
     * A fresh temporary name next to the target, registered as in progress before the file exists
     * so that no cleanup in this JVM ever probes it.
     */
    private static Path reserveTemp(Path dir, String name) throws IOException {
        // A random name created with CREATE_NEW rather than Files.createTempFile: the latter makes the
        // file owner-only (0600), and the checkpoint would silently lose the permissions users expect.
        for (int attempt = 0; ; attempt++) {
            String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path temp = dir.resolve("." + name + "." + random + ".tmp");
            if (IN_PROGRESS.add(temp) && !Files.exists(temp)) {
                return temp;
            }
            IN_PROGRESS.remove(temp);
            if (attempt >= 16) {
                throw new FileAlreadyExistsException(temp.toString());
            }
        }
    }

    /**
     * Deletes the temporary files of {@code target} that killed writers left in {@code dir}: those
     * this process is not writing and whose lock nobody holds. Best effort: a leftover that cannot
     * be probed or deleted stays for a later write.
     */
    private static void deleteLeftovers(Path dir, Path target) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isTemporaryFor(p, target))) {
            for (Path leftover : entries) {
                if (!IN_PROGRESS.contains(leftover)) {
                    deleteIfUnlocked(leftover);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up is a courtesy; the write itself has succeeded.
        }
    }

    /**
     * An exclusive lock on a fresh temporary file, or null where the file system has no locks (some
     * network mounts): the write then goes ahead unlocked, and cleanups elsewhere, which cannot probe
     * it either, leave it alone.
     */
    private static FileLock lockIfSupported(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void deleteIfUnlocked(Path leftover) {
        try (FileChannel channel = FileChannel.open(leftover, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock != null) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // Held, or gone already: not ours to delete.
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
