package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SafeTensorsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    Path resourceFile(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, resource(name));
        return p;
    }

    /** A file with the given JSON header (unpadded) followed by {@code data}. */
    Path raw(String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve("raw.safetensors");
        Files.write(p, b.array());
        return p;
    }

    SafeTensorsException rejects(String json, int dataBytes) throws IOException {
        Path p = raw(json, new byte[dataBytes]);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(" at byte offset " + e.offset() + ": "), e.getMessage());
        assertEquals(p, e.path());
        return e;
    }

    @Test
    void writesExactlyTheBytesThatPythonSafetensorsWrites() throws IOException {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.of(new long[] {1, -2}, 2));
        t.put("b", Tensor.arange(DType.FLOAT32, 0, 6, 1).reshape(2, 3));
        Path p = dir.resolve("kiln.safetensors");
        SafeTensors.write(p, t, Map.of("k", "v"));
        assertArrayEquals(resource("python_basic.safetensors"), Files.readAllBytes(p));
    }

    @Test
    void readsEveryDTypePythonWrites() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(resourceFile("python_dtypes.safetensors"));
        Map<String, Tensor> t = c.tensors();
        assertEquals(Map.of("format", "np", "note", "caf\u00e9 \u2713"), c.metadata());
        assertEquals(List.of("i64", "f64", "empty", "f32_scalar", "i32", "f16", "u16", "i16", "i8", "u8", "mask"),
                List.copyOf(t.keySet()), "header order");
        assertArrayEquals(new double[] {1.5, -2.25, 1e300, -0.0}, t.get("f64").toDoubleArray());
        assertArrayEquals(new int[] {2, 2}, t.get("f64").shape());
        assertEquals(0, t.get("f32_scalar").dim());
        assertEquals(3.5, t.get("f32_scalar").item());
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 7}, t.get("i32").toIntArray());
        assertArrayEquals(new long[] {Long.MAX_VALUE, Long.MIN_VALUE}, t.get("i64").toLongArray());
        assertArrayEquals(new int[] {0, 3}, t.get("empty").shape());
        assertEquals(DType.FLOAT32, t.get("f16").dtype());
        assertArrayEquals(new float[] {1f, -2.5f, 65504f, 0x1p-14f, 0x1p-24f, Float.POSITIVE_INFINITY, 0f},
                t.get("f16").toFloatArray());
        assertArrayEquals(new int[] {0, 200, 255}, t.get("u8").toIntArray());
        assertArrayEquals(new int[] {-128, 127, -1}, t.get("i8").toIntArray());
        assertArrayEquals(new int[] {-32768, 32767}, t.get("i16").toIntArray());
        assertArrayEquals(new int[] {65535, 1}, t.get("u16").toIntArray());
        assertArrayEquals(new int[] {1, 0, 1}, t.get("mask").toIntArray());
    }

    @Test
    void readsBf16AsFloat32() throws IOException {
        Tensor bf = SafeTensors.read(resourceFile("python_bf16.safetensors")).tensors().get("bf");
        assertArrayEquals(new float[] {1f, -2.5f, Float.POSITIVE_INFINITY}, bf.toFloatArray());
    }

    @Test
    void rejectsAnUnsupportedDTypeNamingTensorAndType() throws IOException {
        Path p = resourceFile("python_u64.safetensors");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains("tensor \"big\" has dtype U64, which Kiln cannot load"), e.getMessage());
        assertEquals(8 + "{\"big\":{\"dtype\":".length(), e.offset());
    }

    @Test
    void roundTripsEveryKilnDTypeViewsScalarsAndEmptyTensors() {
        Generator g = new Generator(7);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("fc1.weight", Tensor.randn(g, 3, 5).requiresGrad(true));
        t.put("transposed", Tensor.randn(g, 4, 6).t());
        t.put("f64", Tensor.randn(g, DType.FLOAT64, 2, 2, 2));
        t.put("i32", Tensor.of(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3));
        t.put("i64", Tensor.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 2));
        t.put("scalar", Tensor.scalar(-1.25));
        t.put("empty", Tensor.zeros(0, 4));
        t.put("large", Tensor.randn(g, 700, 1000)); // over the 1 MiB chunk, several times
        t.put("quote\"back\\slash\nnew line \u00e9\ud83d\ude00", Tensor.ones(1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "3");
        meta.put("weird \"key\"\t", "line1\nline2 \u0001 \\ \u2713");
        Path p = dir.resolve("rt.safetensors");
        SafeTensors.write(p, t, meta);

        SafeTensors.Contents c = SafeTensors.read(p);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(meta, c.metadata());
        for (Map.Entry<String, Tensor> e : t.entrySet()) {
            Tensor back = c.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), back.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
            assertTrue(back.isContiguous());
            assertArrayEquals(e.getValue().toDoubleArray(), back.toDoubleArray(), e.getKey());
        }
    }

    @Test
    void padsTheHeaderToAMultipleOfEight() throws IOException {
        for (int len = 1; len <= 9; len++) {
            Path p = dir.resolve("pad" + len + ".safetensors");
            SafeTensors.write(p, Map.of("x".repeat(len), Tensor.ones(1)));
            byte[] b = Files.readAllBytes(p);
            long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8);
            assertEquals(8 + n + 4, b.length);
            byte last = b[(int) (8 + n - 1)];
            assertTrue(last == '}' || last == ' ', "header ends with its object or space padding");
        }
    }

    @Test
    void refusesAnUnpairedSurrogateThatItsOwnReaderWouldRejectAndKeepsThePreviousFile() throws IOException {
        Path p = dir.resolve("s.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.ones(2)));
        byte[] before = Files.readAllBytes(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("w", Tensor.zeros(2)), Map.of("note", "lone \ud800 surrogate")));
        assertTrue(e.getMessage().contains("unpaired UTF-16 surrogate at index 5"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
    }

    @Test
    void refusesToNameATensorLikeTheMetadata() {
        Path p = dir.resolve("m.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.ones(1))));
        assertTrue(e.getMessage().contains("__metadata__"));
    }

    @Test
    void readsTheHeaderAlone() throws IOException {
        SafeTensors.Header h = SafeTensors.readHeader(resourceFile("python_basic.safetensors"));
        assertEquals(2, h.entries().size());
        assertEquals("F32", h.entries().get(1).dtype());
        assertArrayEquals(new int[] {2, 3}, h.entries().get(1).shape());
        assertEquals(8 + 144, h.dataStart());
    }

    @Test
    void missingFileIsAnIoErrorNamingThePath() {
        Path p = dir.resolve("nope.safetensors");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()));
    }

    // ---------------------------------------------------------------- validation

    @Test
    void rejectsAHeaderLengthOverTheCapBeforeReadingIt() throws IOException {
        Path p = dir.resolve("cap.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(SafeTensors.MAX_HEADER_BYTES + 1);
        Files.write(p, b.array());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("header length 100000001"), e.getMessage());
        b.putLong(0, -1);
        Files.write(p, b.array());
        e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains("header length 18446744073709551615"), e.getMessage());
    }

    @Test
    void rejectsAHeaderLongerThanTheFile() throws IOException {
        Path p = dir.resolve("short.safetensors");
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(p, b.array());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertEquals(20, e.offset());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("1000-byte JSON header"));
    }

    @Test
    void rejectsStructuralProblemsAtTheirOffsets() throws IOException {
        String f4 = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":";
        assertTrue(rejects("[]", 0).getMessage().contains("not a JSON object"));
        assertTrue(rejects("{\"a\":" + f4 + "[0,4]},\"b\":" + f4 + "[8,12]}}", 12).getMessage()
                .contains("gap: data bytes [4, 8) belong to no tensor"));
        SafeTensorsException overlap = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        assertTrue(overlap.getMessage().contains("overlaps tensor \"a\""), overlap.getMessage());
        SafeTensorsException trailing = rejects("{\"a\":" + f4 + "[0,4]}}", 9);
        assertTrue(trailing.getMessage().contains("oversized: 5 trailing bytes"), trailing.getMessage());
        SafeTensorsException beyond = rejects("{\"a\":" + f4 + "[0,4]}}", 3);
        assertTrue(beyond.getMessage().contains("truncated"), beyond.getMessage());
        assertTrue(rejects("{\"a\":" + f4 + "[0,8]}}", 8).getMessage().contains("expected 4 bytes for F32 of shape [1]"));
        assertTrue(rejects("{\"a\":" + f4 + "[4,0]}}", 4).getMessage().contains("end before begin"));
        assertTrue(rejects("{\"a\":" + f4 + "[0]}}", 4).getMessage().contains("not a pair"));
        assertTrue(rejects("{\"a\":" + f4 + "[0,99999999999999999999]}}", 4).getMessage()
                .contains("not a byte offset"));
    }

    @Test
    void rejectsSizesThatWouldOverflow() throws IOException {
        SafeTensorsException e = rejects("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],"
                + "\"data_offsets\":[0,8]}}", 8);
        assertTrue(e.getMessage().contains("more than 2147483647 elements"), e.getMessage());
        e = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}}", 4);
        assertTrue(e.getMessage().contains("not a valid dimension"), e.getMessage());
        for (String dim : List.of("-1", "1.5", "1e3", "\"2\"", "null")) {
            e = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + dim + "],\"data_offsets\":[0,4]}}", 4);
            assertEquals(8 + "{\"a\":{\"dtype\":\"F32\",\"shape\":[".length(), e.offset(), dim);
        }
        e = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(64) + "1],\"data_offsets\":[0,4]}}", 4);
        assertTrue(e.getMessage().contains("65 dimensions"), e.getMessage());
    }

    @Test
    void rejectsMalformedEntriesAndMetadata() throws IOException {
        assertTrue(rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4).getMessage().contains("has no data_offsets"));
        assertTrue(rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4).getMessage()
                .contains("unknown field \"x\""));
        assertTrue(rejects("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4).getMessage()
                .contains("dtype of tensor \"a\" is not a string"));
        assertTrue(rejects("{\"a\":[1]}", 0).getMessage().contains("entry of tensor \"a\" is not a JSON object"));
        assertTrue(rejects("{\"__metadata__\":{\"k\":1}}", 0).getMessage().contains("value of \"k\" is not a string"));
        assertTrue(rejects("{\"__metadata__\":[]}", 0).getMessage().contains("__metadata__ is not a JSON object"));
        SafeTensorsException dup = rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0);
        assertTrue(dup.getMessage().contains("duplicate key \"a\""), dup.getMessage());
    }

    @Test
    void rejectsBoolBytesOtherThanZeroAndOne() throws IOException {
        String h = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        Path p = raw(h, new byte[] {1, 2});
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertEquals(8 + h.length() + 1, e.offset());
        assertTrue(e.getMessage().contains("holds byte 0x02"));
    }

    @Test
    void acceptsAnEmptyFileOfTensorsAndWhitespacePadding() throws IOException {
        assertEquals(0, SafeTensors.read(raw("{}", new byte[0])).tensors().size());
        assertEquals(1, SafeTensors.read(raw(" \n{\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}\t  ",
                new byte[4])).tensors().size());
    }
}
