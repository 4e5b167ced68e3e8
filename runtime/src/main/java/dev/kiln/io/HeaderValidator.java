package dev.kiln.io;

import dev.kiln.tensor.Shapes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors header and checks everything in it before any of it is trusted: the
 * length against the cap and the file, the JSON, each entry's dtype, shape and byte size (with
 * overflow-checked arithmetic), and that the entries' byte ranges tile the data section exactly.
 */
final class HeaderValidator {
    private HeaderValidator() {}

    /** Reads and validates the header of the file open on {@code channel}. */
    static SafeTensors.Header read(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new SafeTensorsException(path, size, "truncated",
                    "expected an 8-byte little-endian header length, file ends after " + size + " bytes");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        SafeTensors.readFully(path, channel, lenBuf, 0, "the 8-byte header length");
        long n = lenBuf.getLong(0);
        if (n < 0 || n > SafeTensors.MAX_HEADER_BYTES) {
            throw new SafeTensorsException(path, 0, "header length " + Long.toUnsignedString(n),
                    "expected at most " + SafeTensors.MAX_HEADER_BYTES + " bytes of JSON header");
        }
        if (n > size - 8) {
            throw new SafeTensorsException(path, size, "truncated",
                    "expected a " + n + "-byte JSON header ending at byte offset " + (8 + n)
                            + ", file ends after " + size + " bytes");
        }
        byte[] json = new byte[(int) n];
        SafeTensors.readFully(path, channel, ByteBuffer.wrap(json), 8, "the JSON header");
        Json.Value root = Json.parse(path, json, 0, json.length, 8);
        if (!(root instanceof Json.Obj obj)) {
            throw new SafeTensorsException(path, root.offset(), "header is not a JSON object",
                    "expected {\"name\": {\"dtype\": ..., \"shape\": ..., \"data_offsets\": ...}, ...}");
        }
        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, String> metadata = Map.of();
        List<SafeTensors.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Json.Value> m : obj.members().entrySet()) {
            if (m.getKey().equals(SafeTensors.METADATA_KEY)) {
                metadata = metadata(path, m.getValue());
            } else {
                entries.add(entry(path, m.getKey(), m.getValue(), dataStart, dataSize, size));
            }
        }
        checkTiling(path, entries, dataStart, dataSize);
        return new SafeTensors.Header(Collections.unmodifiableList(entries), metadata, dataStart);
    }

    private static Map<String, String> metadata(Path path, Json.Value value) {
        if (!(value instanceof Json.Obj obj)) {
            throw new SafeTensorsException(path, value.offset(), "__metadata__ is not a JSON object",
                    "expected {\"key\": \"value\", ...} with string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Json.Value> m : obj.members().entrySet()) {
            if (!(m.getValue() instanceof Json.Str s)) {
                throw new SafeTensorsException(path, m.getValue().offset(),
                        "__metadata__ value of \"" + m.getKey() + "\" is not a string",
                        "expected string values only (the format's metadata is a map of strings)");
            }
            out.put(m.getKey(), s.value());
        }
        return Collections.unmodifiableMap(out);
    }

    private static SafeTensors.Entry entry(Path path, String name, Json.Value value, long dataStart, long dataSize,
            long fileSize) {
        if (!(value instanceof Json.Obj obj)) {
            throw new SafeTensorsException(path, value.offset(), "entry of tensor \"" + name + "\" is not a JSON object",
                    "expected {\"dtype\": ..., \"shape\": [...], \"data_offsets\": [begin, end]}");
        }
        for (String key : obj.members().keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new SafeTensorsException(path, obj.keyOffsets().get(key),
                        "unknown field \"" + key + "\" in tensor \"" + name + "\"",
                        "expected only dtype, shape and data_offsets");
            }
        }
        Json.Value dt = require(path, name, obj, "dtype");
        if (!(dt instanceof Json.Str dtStr)) {
            throw new SafeTensorsException(path, dt.offset(), "dtype of tensor \"" + name + "\" is not a string",
                    "expected a dtype name such as \"F32\"");
        }
        SafeTensorsDType dtype = SafeTensorsDType.named(dtStr.value());
        if (dtype == null) {
            throw new SafeTensorsException(path, dt.offset(),
                    "tensor \"" + name + "\" has dtype " + dtStr.value() + ", which Kiln cannot load",
                    "expected one of F32, F64, I32, I64 (or F16, BF16 widened to float32; BOOL, U8, I8, I16, U16"
                            + " widened to int32); " + SafeTensorsDType.UNSUPPORTED + " are not supported");
        }
        int[] shape = shape(path, name, require(path, name, obj, "shape"));
        long[] offsets = offsets(path, name, require(path, name, obj, "data_offsets"));
        long numel = 1;
        for (int s : shape) {
            numel = Math.multiplyExact(numel, s); // each s < 2^31 and numel kept < 2^31: cannot overflow
            if (numel > Integer.MAX_VALUE) {
                throw new SafeTensorsException(path, obj.members().get("shape").offset(),
                        "tensor \"" + name + "\" of shape " + Shapes.str(shape) + " has more than "
                                + Integer.MAX_VALUE + " elements",
                        "expected at most " + Integer.MAX_VALUE + " elements, the most a Kiln tensor holds");
            }
        }
        long bytes = numel * dtype.byteSize;
        long begin = offsets[0];
        long end = offsets[1];
        long offsetsAt = obj.members().get("data_offsets").offset();
        if (end < begin) {
            throw new SafeTensorsException(path, offsetsAt,
                    "tensor \"" + name + "\" has data_offsets [" + begin + ", " + end + "] with end before begin",
                    "expected begin <= end");
        }
        if (end - begin != bytes) {
            throw new SafeTensorsException(path, offsetsAt,
                    "tensor \"" + name + "\" has data_offsets [" + begin + ", " + end + "] spanning " + (end - begin)
                            + " bytes",
                    "expected " + bytes + " bytes for " + dtype + " of shape " + Shapes.str(shape));
        }
        if (end > dataSize) {
            throw new SafeTensorsException(path, fileSize, "truncated",
                    "expected tensor \"" + name + "\" to end at byte offset " + (dataStart + end)
                            + " (data_offsets [" + begin + ", " + end + "]), file ends after " + fileSize + " bytes");
        }
        return new SafeTensors.Entry(name, dtype.name(), shape, begin, end);
    }

    private static Json.Value require(Path path, String name, Json.Obj obj, String field) {
        Json.Value v = obj.members().get(field);
        if (v == null) {
            throw new SafeTensorsException(path, obj.offset(), "tensor \"" + name + "\" has no " + field,
                    "expected dtype, shape and data_offsets in every tensor entry");
        }
        return v;
    }

    private static int[] shape(Path path, String name, Json.Value v) {
        if (!(v instanceof Json.Arr arr)) {
            throw new SafeTensorsException(path, v.offset(), "shape of tensor \"" + name + "\" is not an array",
                    "expected an array of sizes such as [2, 3]");
        }
        if (arr.items().size() > SafeTensors.MAX_RANK) {
            throw new SafeTensorsException(path, v.offset(),
                    "tensor \"" + name + "\" has " + arr.items().size() + " dimensions",
                    "expected at most " + SafeTensors.MAX_RANK);
        }
        int[] shape = new int[arr.items().size()];
        for (int i = 0; i < shape.length; i++) {
            Json.Value item = arr.items().get(i);
            long s = item instanceof Json.Num num ? num.asNonNegativeLong() : -1;
            if (s < 0 || s > Integer.MAX_VALUE) {
                throw new SafeTensorsException(path, item.offset(),
                        "size " + i + " of tensor \"" + name + "\" is not a valid dimension",
                        "expected an integer in [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) s;
        }
        return shape;
    }

    private static long[] offsets(Path path, String name, Json.Value v) {
        if (!(v instanceof Json.Arr arr) || arr.items().size() != 2) {
            throw new SafeTensorsException(path, v.offset(), "data_offsets of tensor \"" + name + "\" is not a pair",
                    "expected [begin, end]");
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            Json.Value item = arr.items().get(i);
            long x = item instanceof Json.Num num ? num.asNonNegativeLong() : -1;
            if (x < 0) {
                throw new SafeTensorsException(path, item.offset(),
                        "data_offsets of tensor \"" + name + "\" holds a value that is not a byte offset",
                        "expected a non-negative integer below 2^63");
            }
            out[i] = x;
        }
        return out;
    }

    /** Checks that the tensors' byte ranges, sorted, cover the data section exactly once. */
    private static void checkTiling(Path path, List<SafeTensors.Entry> entries, long dataStart, long dataSize) {
        List<SafeTensors.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(SafeTensors.Entry::begin).thenComparingLong(SafeTensors.Entry::end));
        long expected = 0;
        SafeTensors.Entry previous = null;
        for (SafeTensors.Entry e : sorted) {
            if (e.begin() < expected) {
                throw new SafeTensorsException(path, dataStart + e.begin(),
                        "tensor \"" + e.name() + "\" (data_offsets [" + e.begin() + ", " + e.end() + "]) overlaps tensor \""
                                + previous.name() + "\" ([" + previous.begin() + ", " + previous.end() + "])",
                        "expected each byte of the data to belong to exactly one tensor");
            }
            if (e.begin() > expected) {
                throw new SafeTensorsException(path, dataStart + expected,
                        "gap: data bytes [" + expected + ", " + e.begin() + ") belong to no tensor",
                        "expected tensor data to follow without gaps");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataSize) {
            throw new SafeTensorsException(path, dataStart + expected,
                    "oversized: " + (dataSize - expected) + " trailing bytes after the last tensor",
                    "expected the file to end after " + (dataStart + expected) + " bytes, it has "
                            + (dataStart + dataSize));
        }
    }
}
