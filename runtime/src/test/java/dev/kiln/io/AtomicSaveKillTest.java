package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is saving a checkpoint over and over, at seeded random moments, and
 * checks that the file on disk is always one complete version, never a damaged one, and that the
 * temporary files the kills leave are cleared by the next save without touching a live writer's.
 */
class AtomicSaveKillTest {
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void killingTheProcessDuringSavesNeverDamagesTheCheckpoint() throws Exception {
        Path target = dir.resolve("last.safetensors");
        SafeTensors.write(target, SaveLoopMain.contents(0), SaveLoopMain.metadata(0));
        Generator delays = new Generator(20240611L);
        long previous = 0;
        List<Long> seen = new ArrayList<>();
        for (int k = 1; k <= KILLS; k++) {
            long first = k * 1_000_000L;
            Process child = start(target, first);
            try {
                awaitReady(child);
                Thread.sleep(20 + delays.nextInt(300));
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            long version = check(target);
            assertTrue(version >= previous, "the checkpoint went back from version " + previous + " to " + version);
            previous = version;
            seen.add(version);
        }
        assertTrue(previous >= 1_000_000L, "the children saved at least once: " + seen);
        // The next save clears the temporary files the killed children left, and only those.
        SafeTensors.write(target, SaveLoopMain.contents(previous + 1), SaveLoopMain.metadata(previous + 1));
        assertEquals(previous + 1, check(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void aProcessSavingTheSameFileNeverDeletesAnotherOnesTemporaryFile() throws Exception {
        Path target = dir.resolve("shared.safetensors");
        Process child = start(target, 1_000_000L);
        try {
            awaitReady(child);
            // Each of these saves looks for leftovers while the child is mid-save most of the time; a
            // child whose temporary file disappeared would fail its rename and exit with the error.
            for (long v = 0; v < 40; v++) {
                SafeTensors.write(target, SaveLoopMain.contents(v), SaveLoopMain.metadata(v));
                check(target);
                assertTrue(child.isAlive(), () -> "the child stopped:\n" + output(child));
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        check(target);
    }

    @Test
    void twoProcessesSavingOneSmallFileForSecondsNeverFail() throws Exception {
        // Small saves are many per second, so each process's cleanup often runs while the other has just
        // created its temporary file and not yet locked it: the writer that loses that race starts again.
        Path target = dir.resolve("small.bin");
        Process child = start(TinySaveLoopMain.class, target.toString());
        long saves = 0;
        try {
            awaitReady(child);
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                long version = saves++;
                AtomicFiles.write(target, ch -> ch.write(ByteBuffer.allocate(8).putLong(0, version)));
            }
            assertTrue(child.isAlive(), () -> "the child stopped:\n" + output(child));
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(saves > 100, "saves: " + saves);
        assertEquals(8, Files.size(target));
    }

    @Test
    void aSaveOfTheSameFileSpelledAnotherWayLeavesALiveWriterLocked() throws Exception {
        // The inner save, of dir/sub/../slow.bin, must know the outer one's temporary file as this JVM's:
        // probing it would release its lock, and the child's saves would then delete it.
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path target = dir.resolve("slow.bin");
        AtomicFiles.write(target, outer -> {
            outer.write(ByteBuffer.wrap(new byte[] {1}));
            AtomicFiles.write(sub.resolve("..").resolve("slow.bin"), inner -> inner.write(ByteBuffer.wrap(new byte[] {2})));
            Process child = start(TinySaveLoopMain.class, target.toString());
            try {
                awaitReady(child);
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                child.destroyForcibly();
                try {
                    child.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            outer.write(ByteBuffer.wrap(new byte[] {1, 1}));
        });
        assertArrayEquals(new byte[] {1, 1, 1}, Files.readAllBytes(target), "the outer save completed");
    }

    private static String output(Process child) {
        try {
            return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Reads the checkpoint and checks it is exactly one of the versions written; returns that version. */
    private static long check(Path target) {
        SafeTensors.Contents c = SafeTensors.read(target);
        long version = Long.parseLong(c.metadata().get("version"));
        Map<String, Tensor> expected = SaveLoopMain.contents(version);
        assertEquals(expected.keySet(), c.tensors().keySet());
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), c.tensors().get(e.getKey()).toDoubleArray(),
                    "version " + version + ", tensor " + e.getKey());
        }
        return version;
    }

    private static Process start(Path target, long first) throws IOException {
        return start(SaveLoopMain.class, target.toString(), Long.toString(first));
    }

    private static Process start(Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static void awaitReady(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("ready")) {
                return;
            }
            seen.append(line).append('\n');
        }
        fail("the child JVM ended before it was ready:\n" + seen);
    }
}
