package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void writesAndReplacesLeavingNoTemporaryFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {9})));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Files.write(target, new byte[] {7, 7});
        IOException boom = new IOException("disk full");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[1000]));
            throw boom;
        }));
        assertSame(boom, e.getCause());
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("disk full"));
        assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void anUncheckedFailureAlsoCleansUp() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, ch -> {
            throw new IllegalStateException("bug in the writer");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing());
    }

    @Test
    void refusesADirectoryTarget() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> AtomicFiles.write(sub, ch -> ch.write(ByteBuffer.wrap(new byte[1]))));
        assertTrue(e.getMessage().contains("is a directory"));
    }

    @Test
    void keepsTheUsualPermissionsRatherThanOwnerOnly() throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return; // permissions are a POSIX notion
        }
        Path plain = Files.write(dir.resolve("plain.bin"), new byte[1]);
        Path target = dir.resolve("atomic.bin");
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[1])));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(target));
    }

    @Test
    void recognisesItsTemporaryFiles() {
        Path target = Path.of("/x/model.safetensors");
        assertTrue(AtomicFiles.isTemporaryFor(Path.of("/x/.model.safetensors.1a2b.tmp"), target));
        assertFalse(AtomicFiles.isTemporaryFor(Path.of("/x/model.safetensors"), target));
        assertFalse(AtomicFiles.isTemporaryFor(Path.of("/x/.model.safetensors..tmp"), target));
        // Another target's temporary file, and a user's own file that merely looks alike.
        assertFalse(AtomicFiles.isTemporaryFor(Path.of("/x/.model.safetensors.bak.1a2b.tmp"), target));
        assertFalse(AtomicFiles.isTemporaryFor(Path.of("/x/.model.safetensors.notes.tmp"), target));
    }

    @Test
    void theNextWriteDeletesWhatAKilledWriterLeftAndNothingElse() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Path leftover = Files.write(dir.resolve(".ckpt.bin.5eed.tmp"), new byte[100]);
        Path othersLeftover = Files.write(dir.resolve(".other.bin.5eed.tmp"), new byte[1]);
        Path usersFile = Files.write(dir.resolve(".ckpt.bin.notes.tmp"), new byte[1]);
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(new byte[] {4})));
        assertFalse(Files.exists(leftover), "an unlocked leftover of the same target is deleted");
        assertEquals(Set.of(target, othersLeftover, usersFile), Set.copyOf(listing()));
    }

    @Test
    void aWriteInProgressKeepsItsTemporaryFileWhileAnotherWriteOfTheSameTargetCleansUp() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        AtomicFiles.write(target, outer -> {
            outer.write(ByteBuffer.wrap(new byte[] {1, 1}));
            // A second save of the same file, made while this one is still writing, cleans up leftovers.
            AtomicFiles.write(target, inner -> inner.write(ByteBuffer.wrap(new byte[] {2})));
            assertArrayEquals(new byte[] {2}, Files.readAllBytes(target));
            outer.write(ByteBuffer.wrap(new byte[] {1}));
        });
        assertArrayEquals(new byte[] {1, 1, 1}, Files.readAllBytes(target), "the outer write completed");
        assertEquals(List.of(target), listing());
    }
}
