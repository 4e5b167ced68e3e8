package dev.kiln.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON parser for safetensors headers (RFC 8259 grammar over UTF-8 bytes,
 * duplicate keys rejected, nesting and number length capped, every value tagged with its byte
 * offset in the file so that errors can point at it) and its writer for plain Java values
 * ({@link #write}, read back by {@link #read}), used for the structured state a checkpoint keeps
 * in its string metadata.
 *
 * <p>Integers ({@code Integer}, {@code Long}, {@code Short}, {@code Byte}) are written without a
 * fraction and read back as {@code Long}; {@code Double} and {@code Float} are written so that
 * they read back as the same {@code Double}, bit for bit. JSON has no NaN or infinities: they are
 * written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} and read back
 * as those strings (a reader that expects a number converts them with {@link Double#parseDouble}).
 */
public final class Json {
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
     * The compact JSON text of {@code value}: a {@code Map} with {@code String} keys, a
     * {@code List} (or a {@code double[]}, {@code long[]} or {@code int[]}), a {@code String}, a
     * {@code Boolean}, an integer or floating {@code Number}, or null, nested at most
     * {@value #MAX_DEPTH} levels deep so that {@link #read} accepts it.
     *
     * @throws IllegalArgumentException naming the path inside {@code value} ({@code param_groups[0].lr})
     *     of anything else, such as a {@code BigDecimal}, a non-string key or a string with an unpaired surrogate
     */
    public static String write(Object value) {
        return Writer.write(value);
    }

    /**
     * Parses JSON text into plain Java values: {@code LinkedHashMap<String, Object>} for objects
     * (in document order), {@code ArrayList<Object>} for arrays, {@code String}, {@code Boolean},
     * null, and numbers as {@code Long} (an integer that fits) or {@code Double} (anything else).
     *
     * @param source the file the text came from, named in error messages (may be null)
     * @throws SafeTensorsException if the text is not strict JSON; the offset counts UTF-8 bytes of {@code text}
     */
    public static Object read(String text, Path source) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return toJava(parse(source, bytes, 0, bytes.length, 0));
    }

    private static Object toJava(Value v) {
        if (v instanceof Obj o) {
            Map<String, Object> out = new LinkedHashMap<>();
            o.members().forEach((k, m) -> out.put(k, toJava(m)));
            return out;
        }
        if (v instanceof Arr a) {
            List<Object> out = new ArrayList<>(a.items().size());
            for (Value item : a.items()) {
                out.add(toJava(item));
            }
            return out;
        }
        if (v instanceof Str s) {
            return s.value();
        }
        if (v instanceof Num n) {
            return number(n.text());
        }
        String word = ((Literal) v).text();
        return word.equals("null") ? null : Boolean.valueOf(word);
    }

    private static Number number(String text) {
        boolean integral = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException beyondLong) {
                // An integer beyond 64 bits is still a number; it reads as the nearest double.
            }
        }
        return Double.parseDouble(text);
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

    /**
     * {@code s} as a JSON string literal, as {@link #read} reads it back. An unpaired UTF-16 surrogate,
     * which JSON cannot carry (the reader rejects its escape), is an {@link IllegalArgumentException}
     * that starts with {@code where}.
     */
    static String quote(String s, String where) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s, where);
        return sb.toString();
    }

    private static void appendQuoted(StringBuilder sb, String s, String where) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException(where + " holds a string with an "
                                + "unpaired UTF-16 surrogate at index " + i + ", which JSON cannot carry");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Writes plain Java values as compact JSON that {@link #read} reads back unchanged; see {@link #write}. */
    private static final class Writer {
        private final StringBuilder sb = new StringBuilder();

        private Writer() {}

        static String write(Object value) {
            Writer w = new Writer();
            w.value(value, "value", 0);
            return w.sb.toString();
        }

        private void value(Object v, String where, int depth) {
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                string(s, where);
            } else if (v instanceof Boolean b) {
                sb.append(b.booleanValue());
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                sb.append(((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                floating(((Number) v).doubleValue());
            } else if (v instanceof Map<?, ?> map) {
                object(map, where, depth + 1);
            } else if (v instanceof List<?> list) {
                open('[', where, depth + 1);
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    value(list.get(i), where + "[" + i + "]", depth + 1);
                }
                sb.append(']');
            } else if (v instanceof double[] a) {
                open('[', where, depth + 1);
                for (int i = 0; i < a.length; i++) {
                    sb.append(i == 0 ? "" : ",");
                    floating(a[i]);
                }
                sb.append(']');
            } else if (v instanceof long[] a) {
                open('[', where, depth + 1);
                for (int i = 0; i < a.length; i++) {
                    sb.append(i == 0 ? "" : ",").append(a[i]);
                }
                sb.append(']');
            } else if (v instanceof int[] a) {
                open('[', where, depth + 1);
                for (int i = 0; i < a.length; i++) {
                    sb.append(i == 0 ? "" : ",").append(a[i]);
                }
                sb.append(']');
            } else {
                throw new IllegalArgumentException("Json.write: " + where + " is a " + v.getClass().getName()
                        + "; expected a Map, List, String, Boolean, Integer, Long, Float, Double or null");
            }
        }

        private void object(Map<?, ?> map, String where, int depth) {
            open('{', where, depth);
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("Json.write: " + where + " has the key " + e.getKey()
                            + (e.getKey() == null ? "" : " (a " + e.getKey().getClass().getName() + ")")
                            + "; JSON object keys must be strings");
                }
                sb.append(first ? "" : ",");
                string(key, where);
                sb.append(':');
                value(e.getValue(), where + "." + key, depth);
                first = false;
            }
            sb.append('}');
        }

        private void open(char bracket, String where, int depth) {
            // The reader refuses deeper nesting; refusing it here also stops a map that contains itself.
            if (depth > Json.MAX_DEPTH) {
                throw new IllegalArgumentException("Json.write: " + where + " is nested " + depth
                        + " levels deep; at most " + Json.MAX_DEPTH + " levels can be read back");
            }
            sb.append(bracket);
        }

        private void floating(double d) {
            if (Double.isNaN(d)) {
                sb.append("\"NaN\"");
            } else if (Double.isInfinite(d)) {
                sb.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
            } else {
                // Double.toString always has a '.' or an exponent, so the reader sees a double, not an integer.
                String text = Double.toString(d);
                if (Double.doubleToRawLongBits(Double.parseDouble(text)) != Double.doubleToRawLongBits(d)) {
                    // Older JDKs' shortest-digit search can miss by an ulp; 17 significant digits always round-trip.
                    text = new java.math.BigDecimal(d).round(new java.math.MathContext(17)).toString();
                    if (text.indexOf('.') < 0 && text.indexOf('E') < 0) {
                        text = text + ".0";
                    }
                }
                sb.append(text);
            }
        }

        private void string(String s, String where) {
            appendQuoted(sb, s, "Json.write: " + where);
        }
    }
}
