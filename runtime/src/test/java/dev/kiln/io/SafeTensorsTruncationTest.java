package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every prefix of a small valid file, and every single-byte corruption of it, fails cleanly or reads. */
class SafeTensorsTruncationTest {
    @TempDir
    Path dir;

    private byte[] smallFile() throws IOException {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        Generator g = new Generator(3);
        t.put("w", Tensor.randn(g, 2, 3));
        t.put("idx", Tensor.of(new long[] {4, 5}, 2));
        t.put("s", Tensor.scalar(2));
        Path p = dir.resolve("full.safetensors");
        SafeTensors.write(p, t, Map.of("epoch", "1"));
        return Files.readAllBytes(p);
    }

    @Test
    void everyTruncationFailsWithThePathAndAnOffsetInsideTheFile() throws IOException {
        byte[] full = smallFile();
        Path p = dir.resolve("cut.safetensors");
        for (int len = 0; len < full.length; len++) {
            Files.write(p, Arrays.copyOf(full, len));
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p), "length " + len);
            assertEquals(p, e.path());
            assertTrue(e.offset() >= 0 && e.offset() <= len, "length " + len + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(p + ": ") && e.getMessage().contains("byte offset " + e.offset()),
                    e.getMessage());
        }
        Files.write(p, full);
        assertEquals(3, SafeTensors.read(p).tensors().size());
    }

    @Test
    void everyOneByteCorruptionReadsOrFailsWithAFormatError() throws IOException {
        byte[] full = smallFile();
        Path p = dir.resolve("bad.safetensors");
        byte[] replacements = {0, (byte) 0xFF, '"', '9', '}'};
        // The header and a few data bytes: corrupting the data of a float tensor only changes a value.
        int end = (int) SafeTensors.readHeader(dir.resolve("full.safetensors")).dataStart() + 8;
        int rejected = 0;
        for (int i = 0; i < end; i++) {
            for (byte r : replacements) {
                byte[] b = full.clone();
                b[i] = r;
                Files.write(p, b);
                try {
                    SafeTensors.read(p);
                } catch (SafeTensorsException e) {
                    assertTrue(e.offset() >= 0 && e.offset() <= b.length, e.getMessage());
                    rejected++;
                }
            }
        }
        assertTrue(rejected > end, "most header corruptions are detected, got " + rejected);
    }
}
