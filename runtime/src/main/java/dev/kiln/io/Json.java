package dev.kiln.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON parser for safetensors headers: RFC 8259 grammar over UTF-8 bytes,
 * duplicate keys rejected, nesting and number length capped, every value tagged with its byte
 * offset in the file so that errors can point at it.
 */
final class Json {
    /** Deeper than any safetensors header needs (it uses 3 levels); bounds the recursion. */
    static final int MAX_DEPTH = 16;
    private static final int MAX_NUMBER_CHARS = 64;

    /** A parsed value with the file offset of its first byte. */
    sealed interface Value permits Obj, Arr, Str, Num, Literal {
        long offset();
    }

    /** An object, its members in document order. */
    record Obj(long offset, Map<String, Value> members, Map<String, Long> keyOffsets) implements Value {}

    /** An array. */
    record Arr(long offset, List<Value> items) implements Value {}

    /** A string. */
    record Str(long offset, String value) implements Value {}

    /** A number, kept as its text (the caller decides what kind of number it must be). */
    record Num(long offset, String text) implements Value {
        /** The value as a non-negative integer that fits a long, or -1 if it is anything else. */
        long asNonNegativeLong() {
            if (text.isEmpty() || text.length() > 19) {
                return -1;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /** true, false or null. */
    record Literal(long offset, String text) implements Value {}

    private final byte[] data;
    private final int end;
    private final long base;
    private final Path path;
    private int pos;

    private Json(Path path, byte[] data, int start, int end, long base) {
        this.path = path;
        this.data = data;
        this.pos = start;
        this.end = end;
        this.base = base - start;
    }

    /**
     * Parses one JSON value filling {@code data[start, end)} (surrounding whitespace allowed);
     * {@code fileOffset} is the file offset of {@code data[start]}, used in error messages.
     */
    static Value parse(Path path, byte[] data, int start, int end, long fileOffset) {
        Json p = new Json(path, data, start, end, fileOffset);
        p.skipWhitespace();
        Value v = p.value(0);
        p.skipWhitespace();
        if (p.pos != p.end) {
            throw p.error("unexpected " + p.describe(p.pos) + " after the end of the header's JSON object",
                    "only whitespace padding may follow it");
        }
        return v;
    }

    private Value value(int depth) {
        if (pos >= end) {
            throw error("the JSON ends early", "a value");
        }
        byte b = data[pos];
        return switch (b) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new Str(base + pos, string());
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describe(pos), "a JSON value");
            }
        };
    }

    private Obj object(int depth) {
        checkDepth(depth);
        long start = base + pos;
        pos++;
        Map<String, Value> members = new LinkedHashMap<>();
        Map<String, Long> keyOffsets = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new Obj(start, Collections.unmodifiableMap(members), keyOffsets);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describe(pos), "a quoted key");
            }
            long keyOffset = base + pos;
            String key = string();
            if (members.containsKey(key)) {
                throw new SafeTensorsException(path, keyOffset, "duplicate key \"" + key + "\"",
                        "each key may appear once in a JSON object");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(key, value(depth));
            keyOffsets.put(key, keyOffset);
            skipWhitespace();
            byte b = peek();
            pos++;
            if (b == '}') {
                return new Obj(start, Collections.unmodifiableMap(members), keyOffsets);
            }
            if (b != ',') {
                pos--;
                throw error("unexpected " + describe(pos), "',' or '}' in an object");
            }
        }
    }

    private Arr array(int depth) {
        checkDepth(depth);
        long start = base + pos;
        pos++;
        List<Value> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new Arr(start, List.copyOf(items));
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth));
            skipWhitespace();
            byte b = peek();
            pos++;
            if (b == ']') {
                return new Arr(start, Collections.unmodifiableList(items));
            }
            if (b != ',') {
                pos--;
                throw error("unexpected " + describe(pos), "',' or ']' in an array");
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= end) {
                throw error("unterminated string", "a closing '\"'");
            }
            int b = data[pos] & 0xFF;
            if (b == '"') {
                pos++;
                return sb.toString();
            }
            if (b == '\\') {
                escape(sb);
            } else if (b < 0x20) {
                throw error("control character 0x" + Integer.toHexString(b) + " in a string",
                        "control characters escaped as \\uXXXX");
            } else if (b < 0x80) {
                sb.append((char) b);
                pos++;
            } else {
                sb.appendCodePoint(utf8());
            }
        }
    }

    private void escape(StringBuilder sb) {
        int at = pos;
        pos++;
        if (pos >= end) {
            throw error("unterminated escape", "an escape character after '\\'");
        }
        byte e = data[pos++];
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char c = hex4(at);
                if (Character.isHighSurrogate(c)) {
                    if (pos + 1 < end && data[pos] == '\\' && data[pos + 1] == 'u') {
                        pos += 2;
                        char low = hex4(at);
                        if (!Character.isLowSurrogate(low)) {
                            throw new SafeTensorsException(path, base + at, "unpaired UTF-16 surrogate escape",
                                    "a high surrogate followed by a low surrogate");
                        }
                        sb.append(c).append(low);
                    } else {
                        throw new SafeTensorsException(path, base + at, "unpaired UTF-16 surrogate escape",
                                "a high surrogate followed by a low surrogate");
                    }
                } else if (Character.isLowSurrogate(c)) {
                    throw new SafeTensorsException(path, base + at, "unpaired UTF-16 surrogate escape",
                            "a low surrogate only after a high surrogate");
                } else {
                    sb.append(c);
                }
            }
            default -> throw new SafeTensorsException(path, base + at, "invalid escape \\" + describeByte(e),
                    "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private char hex4(int escapeStart) {
        if (end - pos < 4) {
            throw new SafeTensorsException(path, base + escapeStart, "truncated \\u escape", "four hex digits");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(data[pos + i], 16);
            if (d < 0 || data[pos + i] < 0) {
                throw new SafeTensorsException(path, base + escapeStart, "bad \\u escape", "four hex digits");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    /** Decodes one multi-byte UTF-8 sequence strictly (no overlong forms, no surrogates, at most U+10FFFF). */
    private int utf8() {
        int at = pos;
        int b0 = data[pos] & 0xFF;
        int need;
        int cp;
        int min;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            cp = b0 & 0x1F;
            min = 0x80;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            cp = b0 & 0x0F;
            min = 0x800;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            cp = b0 & 0x07;
            min = 0x10000;
        } else {
            throw new SafeTensorsException(path, base + at, "invalid UTF-8 byte 0x" + Integer.toHexString(b0),
                    "UTF-8 text");
        }
        if (end - pos - 1 < need) {
            throw new SafeTensorsException(path, base + at, "truncated UTF-8 sequence", "UTF-8 text");
        }
        for (int i = 1; i <= need; i++) {
            int b = data[pos + i] & 0xFF;
            if ((b & 0xC0) != 0x80) {
                throw new SafeTensorsException(path, base + at, "invalid UTF-8 sequence", "UTF-8 text");
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new SafeTensorsException(path, base + at, "invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)",
                    "UTF-8 text");
        }
        pos += need + 1;
        return cp;
    }

    private Num number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (pos < end && data[pos] == '0') {
            pos++;
        } else if (!digits()) {
            throw error("malformed number", "digits after '-'");
        }
        if (pos < end && data[pos] == '.') {
            pos++;
            if (!digits()) {
                throw error("malformed number", "digits after '.'");
            }
        }
        if (pos < end && (data[pos] == 'e' || data[pos] == 'E')) {
            pos++;
            if (pos < end && (data[pos] == '+' || data[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw error("malformed number", "digits in the exponent");
            }
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            throw new SafeTensorsException(path, base + start, "number of " + (pos - start) + " characters",
                    "at most " + MAX_NUMBER_CHARS);
        }
        return new Num(base + start, new String(data, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && data[pos] >= '0' && data[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Literal literal(String word) {
        long at = base + pos;
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || data[pos + i] != word.charAt(i)) {
                throw error("unexpected " + describe(pos), "a JSON value");
            }
        }
        pos += word.length();
        return new Literal(at, word);
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested " + depth + " levels deep", "at most " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("unexpected " + describe(pos), "'" + c + "'");
        }
        pos++;
    }

    private byte peek() {
        if (pos >= end) {
            throw error("the JSON ends early", "more of the header");
        }
        return data[pos];
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte b = data[pos];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private String describe(int at) {
        return at >= end ? "end of header" : describeByte(data[at]);
    }

    private static String describeByte(byte b) {
        int v = b & 0xFF;
        return v >= 0x20 && v < 0x7F ? "'" + (char) v + "'" : "byte 0x" + String.format("%02x", v);
    }

    private SafeTensorsException error(String problem, String expected) {
        return new SafeTensorsException(path, base + pos, problem, "expected " + expected);
    }
}
