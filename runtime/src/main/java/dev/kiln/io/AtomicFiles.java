package dev.kiln.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 * those no living writer holds. Each writer locks one byte of its temporary file, far past its end
 * (so that no reader is ever blocked, even where locks are mandatory), from before it writes until
 * after the rename, and the operating system drops the lock of a killed process. A writer whose new
 * file was taken for a leftover before it could lock it finds it gone and starts again under
 * another name. Writers in this JVM are known by their temporary file's real path instead, since a
 * lock probe from the same process would release their locks (POSIX locks belong to the process).
 * Where the file system has no locks, leftovers stay; where its locks do not reach other hosts (some
 * network mounts), two hosts must not save the same file.
 */
public final class AtomicFiles {

    /** Writes the new contents into the channel it is given (positioned at 0, empty). */
    @FunctionalInterface
    public interface ContentWriter {
        /** Writes the whole file to {@code channel}. */
        void write(FileChannel channel) throws IOException;
    }

    /** The byte of a temporary file that its writer locks: past any data, so no reader ever meets the lock. */
    private static final long LOCKED_BYTE = Long.MAX_VALUE - 1;

    /** Attempts at a temporary file before giving up: a name clash or a lost race each cost one. */
    private static final int ATTEMPTS = 16;

    /** Temporary files this JVM is writing, by real path; never probed or deleted as leftovers. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code writer} writes, atomically.
     *
     * @throws UncheckedIOException if writing, forcing or renaming fails (the old file is then intact)
     */
    public static void write(Path target, ContentWriter writer) {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new UncheckedIOException(new IOException(target + ": is a directory, cannot write a file there"));
        }
        Path dir;
        Path destination;
        Temporary temp = null;
        boolean renamed = false;
        try {
            // The real directory, so that a temporary file's path does not depend on how the target was
            // spelled (sub/../x, a linked directory): it is how writers in this JVM are recognised.
            dir = absolute.getParent().toRealPath();
            destination = dir.resolve(absolute.getFileName().toString());
            temp = Temporary.create(dir, absolute.getFileName().toString());
            writer.write(temp.channel);
            temp.channel.force(true);
            // Renamed while still locked, so that no other process ever finds it unlocked under its
            // temporary name and takes it for a leftover.
            move(temp.path, destination);
            renamed = true;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": could not write the file atomically: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                temp.close(renamed);
            }
        }
        deleteLeftovers(dir, destination);
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
                .allMatch(c -> c < 128 && Character.digit(c, 16) >= 0);
    }

    /** A writer's temporary file: created, locked where the file system can, and registered as in progress. */
    private static final class Temporary {
        final Path path;
        final FileChannel channel;

        private Temporary(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        static Temporary create(Path dir, String name) throws IOException {
            // A random name created with CREATE_NEW rather than Files.createTempFile: the latter makes the
            // file owner-only (0600), and the checkpoint would silently lose the permissions users expect.
            for (int attempt = 1; ; attempt++) {
                String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
                Path path = dir.resolve("." + name + "." + random + ".tmp");
                // Registered before the file exists, so that no cleanup in this JVM ever probes it.
                if (IN_PROGRESS.add(path)) {
                    Temporary temp = open(path);
                    if (temp != null) {
                        return temp;
                    }
                    IN_PROGRESS.remove(path);
                }
                if (attempt == ATTEMPTS) {
                    throw new IOException("no temporary file could be made in " + dir + " after " + ATTEMPTS
                            + " attempts (names taken, or taken for leftovers by other processes)");
                }
            }
        }

        /** The file at {@code path}, new and locked, or null if the name was taken or the file lost. */
        private static Temporary open(Path path) throws IOException {
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                return null;
            } catch (IOException | RuntimeException e) {
                IN_PROGRESS.remove(path);
                throw e;
            }
            if (lockIfSupported(channel) && !Files.exists(path)) {
                // Another process's cleanup found it between its creation and the lock, and deleted it
                // (it deletes only while holding the lock, so once the lock is ours that cannot happen).
                closeQuietly(channel);
                return null;
            }
            return new Temporary(path, channel);
        }

        /** Closes the file, releasing its lock, deletes it unless it was renamed, and unregisters it. */
        void close(boolean renamed) {
            if (!renamed) {
                deleteQuietly(path);
            }
            closeQuietly(channel);
            IN_PROGRESS.remove(path);
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
            // Cleaning up is a courtesy; the write itself has succeeded, and a later one tries again.
        }
    }

    /**
     * Locks the writer's byte of a fresh temporary file, and says whether it could: where the file
     * system has no locks (some network mounts) the write goes ahead unlocked, and cleanups, which
     * cannot probe it either, leave it alone. The lock lasts until the channel closes.
     */
    private static boolean lockIfSupported(FileChannel channel) {
        try {
            channel.lock(LOCKED_BYTE, 1, false);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void deleteIfUnlocked(Path leftover) {
        try (FileChannel channel = FileChannel.open(leftover, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock(LOCKED_BYTE, 1, false)) {
            if (lock != null) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException | RuntimeException e) {
            // Held (in this JVM: OverlappingFileLockException), gone already, or not ours to open.
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

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Its data, if any, was already forced; only the lock and the handle go.
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
