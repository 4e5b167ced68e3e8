package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static final Path P = Path.of("h.safetensors");

    private static Json.Value parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Json.parse(P, b, 0, b.length, 8);
    }

    private static SafeTensorsException fails(String s) {
        return assertThrows(SafeTensorsException.class, () -> parse(s));
    }

    @Test
    void parsesObjectsInOrderWithOffsets() {
        Json.Obj o = (Json.Obj) parse(" {\"b\": [1, 22, -3.5e2], \"a\": {\"x\": \"y\"}, \"t\": true, \"n\": null}   ");
        assertEquals(List.of("b", "a", "t", "n"), List.copyOf(o.members().keySet()));
        assertEquals(9, o.offset());
        Json.Arr arr = (Json.Arr) o.members().get("b");
        assertEquals("22", ((Json.Num) arr.items().get(1)).text());
        assertEquals(22, ((Json.Num) arr.items().get(1)).asNonNegativeLong());
        assertEquals(-1, ((Json.Num) arr.items().get(2)).asNonNegativeLong());
        assertEquals(8 + 7, arr.offset());
        assertEquals("y", ((Json.Str) ((Json.Obj) o.members().get("a")).members().get("x")).value());
        assertInstanceOf(Json.Literal.class, o.members().get("t"));
    }

    @Test
    void decodesEscapesAndUtf8() {
        Json.Str s = (Json.Str) parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00 caf\u00e9 \u2713\"");
        assertEquals("a\"b\\c/d\n\t\u00e9\ud83d\ude00 caf\u00e9 \u2713", s.value());
    }

    @Test
    void rejectsDuplicateKeysAtTheSecondKey() {
        SafeTensorsException e = fails("{\"w\": 1, \"w\": 2}");
        assertTrue(e.getMessage().contains("duplicate key \"w\""), e.getMessage());
        assertEquals(8 + 9, e.offset());
    }

    @Test
    void capsNesting() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertTrue(fails(deep).getMessage().contains("nested"));
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(Json.Arr.class, parse(ok));
    }

    @Test
    void rejectsWhatStrictJsonForbids() {
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[-]",
                "[1e]", "[+1]", "{'a':1}", "{\"a\":1} x", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
                "\"\\ud800\\u0041\"", "\"tab\there\"", "[tru]", "[nul]", "[NaN]", "{\"a\" 1}", "{1:2}")) {
            SafeTensorsException e = fails(bad);
            assertTrue(e.getMessage().startsWith("h.safetensors: ") && e.getMessage().contains(" at byte offset "),
                    bad + " -> " + e.getMessage());
        }
    }

    @Test
    void rejectsMalformedUtf8() {
        byte[][] cases = {
            {'"', (byte) 0xC3, '"'},                          // truncated 2-byte sequence
            {'"', (byte) 0xC0, (byte) 0x80, '"'},             // overlong NUL
            {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, // encoded surrogate
            {'"', (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'}, // beyond U+10FFFF
            {'"', (byte) 0x80, '"'},                          // lone continuation byte
        };
        for (byte[] c : cases) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Json.parse(P, c, 0, c.length, 8));
            assertEquals(9, e.offset(), e.getMessage());
        }
    }

    @Test
    void capsNumberLength() {
        assertTrue(fails("[" + "1".repeat(65) + "]").getMessage().contains("65 characters"));
        assertEquals(-1, ((Json.Num) ((Json.Arr) parse("[99999999999999999999]")).items().get(0)).asNonNegativeLong());
    }
}
