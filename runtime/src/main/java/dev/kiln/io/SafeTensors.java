package dev.kiln.io;

import dev.kiln.tensor.Device;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format, the checkpoint format of PyTorch and Hugging Face:
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor
 * ({@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}}, plus
 * string metadata under {@code "__metadata__"}), then the little-endian tensor bytes.
 *
 * <p>Files written here load with {@code safetensors.torch.load_file}, and files it writes load
 * here; {@code Module.stateDict()} keys are PyTorch's, so weights move both ways. Writes are
 * atomic ({@link AtomicFiles}). Reads validate the whole header before trusting it: a header
 * length capped at {@value #MAX_HEADER_BYTES} bytes, strict JSON, known dtypes, sizes that match
 * shapes with overflow-checked arithmetic, and data offsets that tile the data exactly, in
 * order, without gaps or overlap. Any violation is a {@link SafeTensorsException} that names the
 * path and the byte offset.
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("model.safetensors"), model.stateDict(), Map.of("epoch", "3"));
 * SafeTensors.Contents c = SafeTensors.read(Path.of("model.safetensors"));
 * model.loadStateDict(c.tensors());
 * }</pre>
 */
public final class SafeTensors {
    /** The largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The largest rank accepted (PyTorch's own limit). */
    public static final int MAX_RANK = 64;

    static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    /** The tensors of a file, in header order, and its metadata. */
    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    /** One tensor's header entry: its name, the format's dtype name, shape and byte range in the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        /** The number of elements. */
        public long numel() {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    /** A validated header: the entries in header order, the metadata, and the file offset where data begins. */
    public record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    // ---------------------------------------------------------------- writing

    /** Writes {@code tensors} to {@code path} atomically, without metadata. */
    public static void write(Path path, Map<String, Tensor> tensors) {
        write(path, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (in the map's order) and string {@code metadata} to {@code path}
     * atomically: the old file, if any, stays intact until the new one is complete on disk.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<String> names = new ArrayList<>(tensors.size());
        List<Tensor> values = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("SafeTensors.write: " + path + ": null tensor name or tensor (name "
                        + e.getKey() + ")");
            }
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.write: " + path + ": a tensor may not be named "
                        + METADATA_KEY + "; the format reserves it for metadata");
            }
            names.add(e.getKey());
            values.add(hostContiguous(e.getValue()));
        }
        byte[] header = header(names, values, metadata);
        AtomicFiles.write(path, channel -> {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            buf.flip();
            writeFully(channel, buf);
            writeFully(channel, ByteBuffer.wrap(header));
            for (Tensor t : values) {
                writeData(channel, t, buf);
            }
        });
    }

    private static Tensor hostContiguous(Tensor t) {
        Tensor d = t.detach();
        if (!d.device().equals(Device.cpu())) {
            d = d.to(Device.cpu());
        }
        return d.isContiguous() ? d : d.copy();
    }

    /** The JSON header, padded with spaces so the data starts 8-byte aligned (as PyTorch's writer does). */
    private static byte[] header(List<String> names, List<Tensor> values, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            sb.append(quote(METADATA_KEY)).append(":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (m.getKey() == null || m.getValue() == null) {
                    throw new IllegalArgumentException("SafeTensors.write: metadata may not hold null (key "
                            + m.getKey() + ")");
                }
                sb.append(firstMeta ? "" : ",").append(quote(m.getKey())).append(':').append(quote(m.getValue()));
                firstMeta = false;
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (int i = 0; i < names.size(); i++) {
            Tensor t = values.get(i);
            long bytes = (long) t.numel() * t.dtype().byteSize();
            sb.append(first ? "" : ",").append(quote(names.get(i))).append(":{\"dtype\":\"")
                    .append(SafeTensorsDType.of(t.dtype()).name()).append("\",\"shape\":[");
            int[] shape = t.shape();
            for (int d = 0; d < shape.length; d++) {
                sb.append(d == 0 ? "" : ",").append(shape[d]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            first = false;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static String quote(String s) {
        return Json.quote(s, "SafeTensors.write: a tensor name or metadata entry");
    }

    private static void writeData(FileChannel channel, Tensor t, ByteBuffer buf) throws IOException {
        Storage storage = t.storage();
        int offset = t.offset();
        int n = t.numel();
        int per = CHUNK_BYTES / t.dtype().byteSize();
        for (int done = 0; done < n; done += per) {
            int count = Math.min(per, n - done);
            buf.clear();
            switch (t.dtype()) {
                case FLOAT32 -> buf.asFloatBuffer().put(storage.floats(), offset + done, count);
                case FLOAT64 -> buf.asDoubleBuffer().put(storage.doubles(), offset + done, count);
                case INT32 -> buf.asIntBuffer().put(storage.ints(), offset + done, count);
                case INT64 -> buf.asLongBuffer().put(storage.longs(), offset + done, count);
            }
            buf.limit(count * t.dtype().byteSize());
            writeFully(channel, buf);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads every tensor and the metadata of {@code path}, after validating the whole file. */
    public static Contents read(Path path) {
        try (FileChannel channel = open(path)) {
            Header header = HeaderValidator.read(path, channel);
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : header.entries()) {
                tensors.put(e.name(), readTensor(path, channel, header.dataStart(), e));
            }
            return new Contents(tensors, header.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads and validates only the header of {@code path} (tensor names, dtypes, shapes, metadata). */
    public static Header readHeader(Path path) {
        try (FileChannel channel = open(path)) {
            return HeaderValidator.read(path, channel);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static FileChannel open(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
    }

    private static Tensor readTensor(Path path, FileChannel channel, long dataStart, Entry e) throws IOException {
        SafeTensorsDType dtype = SafeTensorsDType.named(e.dtype());
        int n = (int) e.numel();
        Storage storage = Storage.allocate(dtype.loadedAs, n);
        int per = CHUNK_BYTES / dtype.byteSize;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(8L, (long) n * dtype.byteSize)))
                .order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + e.begin();
        for (int done = 0; done < n; done += per) {
            int count = Math.min(per, n - done);
            buf.clear().limit(count * dtype.byteSize);
            readFully(path, channel, buf, position, "the data of tensor \"" + e.name() + "\"");
            buf.flip();
            decode(path, e, dtype, buf, storage, done, count, position);
            position += (long) count * dtype.byteSize;
        }
        int[] shape = e.shape();
        return new Tensor(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    private static void decode(Path path, Entry e, SafeTensorsDType dtype, ByteBuffer buf, Storage s, int at,
            int count, long position) {
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(s.floats(), at, count);
            case F64 -> buf.asDoubleBuffer().get(s.doubles(), at, count);
            case I32 -> buf.asIntBuffer().get(s.ints(), at, count);
            case I64 -> buf.asLongBuffer().get(s.longs(), at, count);
            case F16 -> {
                float[] f = s.floats();
                for (int i = 0; i < count; i++) {
                    f[at + i] = HalfFloats.halfToFloat(buf.getShort());
                }
            }
            case BF16 -> {
                float[] f = s.floats();
                for (int i = 0; i < count; i++) {
                    f[at + i] = Float.intBitsToFloat((buf.getShort() & 0xFFFF) << 16);
                }
            }
            case BOOL -> {
                int[] v = s.ints();
                for (int i = 0; i < count; i++) {
                    byte b = buf.get();
                    if (b != 0 && b != 1) {
                        throw new SafeTensorsException(path, position + i,
                                "BOOL tensor \"" + e.name() + "\" holds byte 0x" + String.format("%02x", b & 0xFF),
                                "expected 0 or 1");
                    }
                    v[at + i] = b;
                }
            }
            case U8 -> {
                int[] v = s.ints();
                for (int i = 0; i < count; i++) {
                    v[at + i] = buf.get() & 0xFF;
                }
            }
            case I8 -> {
                int[] v = s.ints();
                for (int i = 0; i < count; i++) {
                    v[at + i] = buf.get();
                }
            }
            case I16 -> {
                int[] v = s.ints();
                for (int i = 0; i < count; i++) {
                    v[at + i] = buf.getShort();
                }
            }
            case U16 -> {
                int[] v = s.ints();
                for (int i = 0; i < count; i++) {
                    v[at + i] = buf.getShort() & 0xFFFF;
                }
            }
        }
    }

    static void readFully(Path path, FileChannel channel, ByteBuffer buf, long position, String what)
            throws IOException {
        long start = position;
        while (buf.hasRemaining()) {
            int r = channel.read(buf, position);
            if (r < 0) {
                // The size was checked up front, so this is a file that shrank while we read it.
                throw new SafeTensorsException(path, position, "truncated",
                        "expected " + what + " (" + (buf.limit() - (position - start)) + " more bytes), the file ended");
            }
            position += r;
        }
    }
}
