package dev.kiln.io;

import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A training checkpoint: the model's state dict, the optimizer's and scheduler's state, the
 * random generator's state, the epoch and the position (batch index) in that epoch, and free
 * string metadata, saved atomically as one safetensors file so that a resumed run continues
 * exactly where the saved one stopped.
 *
 * <p>Tensors are stored under {@code model.<key>} (the state-dict key, so PyTorch's
 * {@code safetensors} can read the model part) and {@code optim.<key>}; numbers go into the
 * header's {@code __metadata__} as decimal strings under {@code kiln.*} keys, with integers kept
 * as integers and doubles written so they read back bit for bit. The class is generic over maps
 * so it does not depend on any optimizer class; a trainer fills and reads it.
 *
 * <pre>{@code
 * Checkpoint.builder().model(model.stateDict()).optimizer(optTensors, optValues)
 *         .scheduler(schedValues).rng(generator.state()).epoch(3).position(120).build()
 *         .save(Path.of("run/last.safetensors"));
 * Checkpoint c = Checkpoint.load(Path.of("run/last.safetensors"));
 * }</pre>
 */
public final class Checkpoint {
    /** The format version written into {@code kiln.checkpoint}. */
    public static final String FORMAT_VERSION = "1";

    static final String MODEL = "model.";
    static final String OPTIM = "optim.";
    static final String KILN = "kiln.";
    static final String VERSION_KEY = "kiln.checkpoint";
    static final String EPOCH_KEY = "kiln.epoch";
    static final String POSITION_KEY = "kiln.position";
    static final String RNG_KEY = "kiln.rng";
    static final String OPTIM_VALUE = "kiln.optim.";
    static final String SCHED_VALUE = "kiln.sched.";

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern DOUBLE = Pattern.compile("-?([0-9]+\\.[0-9]+(E-?[0-9]+)?|Infinity)|NaN");

    private final Map<String, Tensor> model;
    private final Map<String, Tensor> optimizerTensors;
    private final Map<String, Number> optimizerValues;
    private final Map<String, Number> schedulerValues;
    private final long[] rngState;
    private final long epoch;
    private final long position;
    private final Map<String, String> metadata;

    private Checkpoint(Builder b) {
        this.model = Collections.unmodifiableMap(new LinkedHashMap<>(b.model));
        this.optimizerTensors = Collections.unmodifiableMap(new LinkedHashMap<>(b.optimizerTensors));
        this.optimizerValues = Collections.unmodifiableMap(new LinkedHashMap<>(b.optimizerValues));
        this.schedulerValues = Collections.unmodifiableMap(new LinkedHashMap<>(b.schedulerValues));
        this.rngState = b.rngState.clone();
        this.epoch = b.epoch;
        this.position = b.position;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    }

    /** A builder with empty state, epoch 0 and position 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model's state dict (parameters and buffers by their dotted names). */
    public Map<String, Tensor> model() {
        return model;
    }

    /** The optimizer's tensors (moment estimates, momentum buffers), by the optimizer's own keys. */
    public Map<String, Tensor> optimizerTensors() {
        return optimizerTensors;
    }

    /** The optimizer's numbers (step counts, learning rates); integers read back as Long, others as Double. */
    public Map<String, Number> optimizerValues() {
        return optimizerValues;
    }

    /** The scheduler's numbers; integers read back as Long, others as Double. */
    public Map<String, Number> schedulerValues() {
        return schedulerValues;
    }

    /** The random generator's state ({@code Generator.state()}), empty if none was saved. */
    public long[] rngState() {
        return rngState.clone();
    }

    /** The epoch the run was in. */
    public long epoch() {
        return epoch;
    }

    /** The number of batches of {@link #epoch()} already trained on: the index of the next batch. */
    public long position() {
        return position;
    }

    /** Free string metadata. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Saves this checkpoint to {@code path} atomically: a crash during the save leaves the previous file intact. */
    public void save(Path path) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put(MODEL + k, v));
        optimizerTensors.forEach((k, v) -> tensors.put(OPTIM + k, v));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put(VERSION_KEY, FORMAT_VERSION);
        meta.put(EPOCH_KEY, Long.toString(epoch));
        meta.put(POSITION_KEY, Long.toString(position));
        StringBuilder rng = new StringBuilder();
        for (int i = 0; i < rngState.length; i++) {
            rng.append(i == 0 ? "" : ",").append(rngState[i]);
        }
        meta.put(RNG_KEY, rng.toString());
        optimizerValues.forEach((k, v) -> meta.put(OPTIM_VALUE + k, encode(v)));
        schedulerValues.forEach((k, v) -> meta.put(SCHED_VALUE + k, encode(v)));
        meta.putAll(metadata);
        SafeTensors.write(path, tensors, meta);
    }

    /** Loads a checkpoint saved by {@link #save}, validating the file and every number in it. */
    public static Checkpoint load(Path path) {
        SafeTensors.Contents contents = SafeTensors.read(path);
        Map<String, String> meta = contents.metadata();
        String version = meta.get(VERSION_KEY);
        if (version == null) {
            throw bad(path, "no \"" + VERSION_KEY + "\" in __metadata__",
                    "expected a Kiln training checkpoint; a plain state dict loads with SafeTensors.read");
        }
        if (!version.equals(FORMAT_VERSION)) {
            throw bad(path, "checkpoint format version " + version, "expected version " + FORMAT_VERSION);
        }
        Builder b = builder();
        for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
            String key = e.getKey();
            if (key.startsWith(MODEL)) {
                b.model.put(key.substring(MODEL.length()), e.getValue());
            } else if (key.startsWith(OPTIM)) {
                b.optimizerTensors.put(key.substring(OPTIM.length()), e.getValue());
            } else {
                throw bad(path, "tensor \"" + key + "\" has neither prefix \"" + MODEL + "\" nor \"" + OPTIM + "\"",
                        "expected only model and optimizer tensors in a training checkpoint");
            }
        }
        b.epoch = nonNegative(path, meta, EPOCH_KEY);
        b.position = nonNegative(path, meta, POSITION_KEY);
        b.rngState = rng(path, meta.get(RNG_KEY));
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(OPTIM_VALUE)) {
                b.optimizerValues.put(key.substring(OPTIM_VALUE.length()), decode(path, key, e.getValue()));
            } else if (key.startsWith(SCHED_VALUE)) {
                b.schedulerValues.put(key.substring(SCHED_VALUE.length()), decode(path, key, e.getValue()));
            } else if (!key.startsWith(KILN)) {
                b.metadata.put(key, e.getValue());
            } else if (!key.equals(VERSION_KEY) && !key.equals(EPOCH_KEY) && !key.equals(POSITION_KEY)
                    && !key.equals(RNG_KEY)) {
                throw bad(path, "unknown key \"" + key + "\" in __metadata__",
                        "expected only the kiln.* keys of checkpoint format " + FORMAT_VERSION);
            }
        }
        return new Checkpoint(b);
    }

    static String encode(Number v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return Long.toString(v.longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            // Double.toString always has a '.', an exponent, or is NaN/Infinity, so it cannot be
            // mistaken for an integer, and parseDouble reads it back to the same bits.
            return Double.toString(v.doubleValue());
        }
        throw new IllegalArgumentException("Checkpoint: numbers must be Integer, Long, Float or Double, got "
                + v.getClass().getSimpleName() + " " + v);
    }

    static Number decode(Path path, String key, String text) {
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw bad(path, "value of \"" + key + "\" is " + text, "expected an integer that fits in 64 bits");
            }
        }
        if (DOUBLE.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        throw bad(path, "value of \"" + key + "\" is \"" + text + "\"", "expected an integer or a decimal number");
    }

    private static long nonNegative(Path path, Map<String, String> meta, String key) {
        String text = meta.get(key);
        Number n = text == null ? null : decode(path, key, text);
        if (!(n instanceof Long l) || l < 0) {
            throw bad(path, "value of \"" + key + "\" is " + (text == null ? "missing" : "\"" + text + "\""),
                    "expected a non-negative integer");
        }
        return l;
    }

    private static long[] rng(Path path, String text) {
        if (text == null) {
            throw bad(path, "no \"" + RNG_KEY + "\" in __metadata__", "expected the generator state (may be empty)");
        }
        if (text.isEmpty()) {
            return new long[0];
        }
        String[] parts = text.split(",", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!(decode(path, RNG_KEY, parts[i]) instanceof Long l)) {
                throw bad(path, "word " + i + " of \"" + RNG_KEY + "\" is \"" + parts[i] + "\"", "expected an integer");
            }
            out[i] = l;
        }
        return out;
    }

    private static SafeTensorsException bad(Path path, String problem, String expected) {
        // The checkpoint's own fields live in the JSON header, which starts at byte offset 8.
        return new SafeTensorsException(path, 8, problem, expected);
    }

    @Override
    public String toString() {
        return "Checkpoint[epoch " + epoch + ", position " + position + ", " + model.size() + " model tensors, "
                + optimizerTensors.size() + " optimizer tensors, rng " + Arrays.toString(rngState) + "]";
    }

    /** Collects the parts of a {@link Checkpoint}. */
    public static final class Builder {
        private final Map<String, Tensor> model = new LinkedHashMap<>();
        private final Map<String, Tensor> optimizerTensors = new LinkedHashMap<>();
        private final Map<String, Number> optimizerValues = new LinkedHashMap<>();
        private final Map<String, Number> schedulerValues = new LinkedHashMap<>();
        private long[] rngState = new long[0];
        private long epoch;
        private long position;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {}

        /** The model's state dict (tensors are not copied: save before modifying them). */
        public Builder model(Map<String, Tensor> stateDict) {
            model.putAll(stateDict);
            return this;
        }

        /** The optimizer's tensors and numbers. */
        public Builder optimizer(Map<String, Tensor> tensors, Map<String, ? extends Number> values) {
            optimizerTensors.putAll(tensors);
            values.forEach((k, v) -> optimizerValues.put(k, checked(v)));
            return this;
        }

        /** The scheduler's numbers. */
        public Builder scheduler(Map<String, ? extends Number> values) {
            values.forEach((k, v) -> schedulerValues.put(k, checked(v)));
            return this;
        }

        /** The random generator's state. */
        public Builder rng(long[] state) {
            this.rngState = state.clone();
            return this;
        }

        /** The current epoch. */
        public Builder epoch(long epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("Checkpoint: epoch must be >= 0, got " + epoch);
            }
            this.epoch = epoch;
            return this;
        }

        /** The number of batches of the epoch already trained on. */
        public Builder position(long position) {
            if (position < 0) {
                throw new IllegalArgumentException("Checkpoint: position must be >= 0, got " + position);
            }
            this.position = position;
            return this;
        }

        /** A free metadata entry; keys starting with "kiln." are reserved. */
        public Builder metadata(String key, String value) {
            if (key.startsWith(KILN)) {
                throw new IllegalArgumentException("Checkpoint: metadata key \"" + key
                        + "\" starts with \"kiln.\", which the checkpoint reserves for its own fields");
            }
            metadata.put(key, value);
            return this;
        }

        /** The checkpoint. */
        public Checkpoint build() {
            return new Checkpoint(this);
        }

        private static Number checked(Number v) {
            encode(v);
            return v;
        }
    }
}
