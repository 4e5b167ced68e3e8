package dev.kiln.train;

import dev.kiln.data.DataLoader;
import dev.kiln.io.Checkpoint;
import dev.kiln.io.FileFormatException;
import dev.kiln.io.Json;
import dev.kiln.io.SafeTensorsException;
import dev.kiln.nn.Module;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.OptimizerStateDict;
import dev.kiln.optim.ParamGroup;
import dev.kiln.optim.lr.LRScheduler;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and restores everything a training run needs to continue exactly: the model's state dict,
 * the optimizer's state (tensors and hyperparameters), the scheduler's state, a random generator's
 * state (the one dropout draws from), the data loader's cursor, and the epoch and position to
 * continue from, as one {@link Checkpoint} file written atomically.
 *
 * <p>Stopping, restoring into freshly built objects and training on gives the same parameters, bit
 * for bit on the CPU, as a run that never stopped. The optimizer's, scheduler's and loader's
 * states are JSON strings in the checkpoint's metadata under {@value #OPTIMIZER_KEY},
 * {@value #SCHEDULER_KEY} and {@value #LOADER_KEY}; the optimizer's tensors are the checkpoint's
 * optimizer tensors, so PyTorch can read the model part of the file.
 *
 * <pre>{@code
 * TrainingState.save(path, model, adam, stepLr, dropoutRng, loader, epoch, batchesDone);
 * // later, in a new process, with the same kinds of objects built afresh:
 * TrainingState.Resume r = TrainingState.restore(path, model, adam, stepLr, dropoutRng, loader);
 * // continue epoch r.epoch() at batch r.position(); the loader's next pass starts there
 * }</pre>
 */
public final class TrainingState {
    /** The metadata key of the optimizer's JSON state (its name and parameter groups). */
    public static final String OPTIMIZER_KEY = "training.optimizer";
    /** The metadata key of the scheduler's JSON state; absent when no scheduler was saved. */
    public static final String SCHEDULER_KEY = "training.scheduler";
    /** The metadata key of the data loader's cursor: {@code {"seed":..,"epoch":..,"position":..}}. */
    public static final String LOADER_KEY = "training.loader";
    /** The metadata key of extra JSON state of the code that saved (the {@link Trainer}'s step count and running metrics). */
    public static final String EXTRA_KEY = "training.extra";

    /**
     * Where to continue after {@link #restore}: the epoch and the number of its batches already
     * trained on, as given to {@link #save}, and the extra state saved with them (empty if none).
     */
    public record Resume(int epoch, int position, Map<String, Object> extra) {}

    private TrainingState() {}

    /**
     * Saves a run's state to {@code file} atomically (a crash while saving leaves the previous file).
     * {@code scheduler} and {@code rng} may be null; {@code epoch} and {@code position} are whatever the
     * caller counts (the {@link Trainer} saves its 1-based epoch and the batches of it done).
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, Generator rng,
            DataLoader<?> loader, int epoch, int position) {
        save(file, model, optimizer, scheduler, rng, loader.state(), epoch, position, Map.of());
    }

    /** The same with the loader's cursor given explicitly and extra JSON-able state under {@value #EXTRA_KEY}. */
    static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, Generator rng,
            DataLoader.State loaderState, int epoch, int position, Map<String, Object> extra) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loaderState, "loader state");
        OptimizerStateDict opt = optimizer.stateDict();
        Checkpoint.Builder b = Checkpoint.builder().model(model.stateDict()).optimizer(opt.tensors(), Map.of())
                .epoch(epoch).position(position).metadata(OPTIMIZER_KEY, Json.write(opt.metadata()))
                .metadata(LOADER_KEY, Json.write(loaderMap(loaderState)));
        if (scheduler != null) {
            b.metadata(SCHEDULER_KEY, Json.write(scheduler.stateDict()));
        }
        if (rng != null) {
            b.rng(rng.state());
        }
        if (!extra.isEmpty()) {
            b.metadata(EXTRA_KEY, Json.write(extra));
        }
        b.build().save(file);
    }

    /**
     * Restores a state saved by {@link #save} into freshly built objects of the same kinds and
     * shapes: the model's parameters and buffers, the optimizer's state and hyperparameters (its
     * learning rates included), the scheduler's epoch, the generator's state and the loader's
     * cursor (its next pass continues the saved epoch at the saved position). Whether the
     * checkpoint fits (the optimizer's kind and parameter count, the scheduler's kind, the model's
     * keys and shapes, which parts are present) is checked before anything is changed.
     *
     * @throws IllegalArgumentException naming {@code file} and what does not match
     * @throws FileFormatException if the file is not a valid training checkpoint
     */
    public static Resume restore(Path file, Module model, Optimizer optimizer, LRScheduler scheduler, Generator rng,
            DataLoader<?> loader) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(loader, "loader");
        Checkpoint c = Checkpoint.load(file);
        Map<String, String> meta = c.metadata();
        Map<String, Object> optMeta = object(file, meta, OPTIMIZER_KEY, true);
        Map<String, Object> schedMeta = object(file, meta, SCHEDULER_KEY, false);
        Map<String, Object> extra = object(file, meta, EXTRA_KEY, false);
        DataLoader.State loaderState = loaderState(file, object(file, meta, LOADER_KEY, true));
        int epoch = toInt(file, "epoch", c.epoch());
        int position = toInt(file, "position", c.position());

        checkOptimizer(file, optimizer, optMeta);
        checkScheduler(file, scheduler, schedMeta);
        long[] rngState = c.rngState();
        if ((rng != null) != (rngState.length > 0)) {
            throw mismatch(file, rng != null ? "it holds no generator state but a generator was given"
                    : "it holds a generator state but no generator was given to restore it into");
        }
        checkModel(file, model, c.model());
        if (loaderState.position() > loader.length()) {
            throw mismatch(file, "its loader had delivered " + loaderState.position() + " batches of epoch "
                    + loaderState.epoch() + " but this loader has " + loader.length()
                    + " batches per pass; resume with the same dataset and batch size");
        }

        // Every check passed; each load below still validates its own part before changing it.
        try {
            optimizer.loadStateDict(new OptimizerStateDict(c.optimizerTensors(), optMeta));
            if (scheduler != null) {
                scheduler.loadStateDict(schedMeta);
            }
            model.loadStateDict(c.model());
            if (rng != null) {
                rng.setState(rngState);
            }
            loader.setState(loaderState);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resuming from " + file + ": " + e.getMessage(), e);
        }
        return new Resume(epoch, position, extra == null ? Map.of() : extra);
    }

    private static void checkOptimizer(Path file, Optimizer optimizer, Map<String, Object> saved) {
        Object name = saved.get("optimizer");
        if (!optimizer.name().equals(name)) {
            throw mismatch(file, "it holds the state of a " + name + " optimizer but this run's optimizer is "
                    + optimizer.name() + "; resume with the same kind of optimizer");
        }
        int[] savedCounts = groupSizes(file, saved.get("param_groups"));
        List<ParamGroup> groups = optimizer.paramGroups();
        int[] counts = new int[groups.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = groups.get(i).params().size();
        }
        if (!Arrays.equals(savedCounts, counts)) {
            throw mismatch(file, "its " + name + " optimizer has " + describeGroups(savedCounts) + " but this run's has "
                    + describeGroups(counts) + "; build the optimizer over the same parameters, grouped the same way");
        }
    }

    private static int[] groupSizes(Path file, Object groups) {
        if (!(groups instanceof List<?> list)) {
            throw bad(file, OPTIMIZER_KEY, "has no param_groups list");
        }
        int[] sizes = new int[list.size()];
        for (int i = 0; i < sizes.length; i++) {
            if (!(list.get(i) instanceof Map<?, ?> g) || !(g.get("params") instanceof List<?> ids)) {
                throw bad(file, OPTIMIZER_KEY, "param_groups[" + i + "] has no params list");
            }
            sizes[i] = ids.size();
        }
        return sizes;
    }

    private static String describeGroups(int[] sizes) {
        int total = Arrays.stream(sizes).sum();
        return total + " parameter" + (total == 1 ? "" : "s") + " in " + sizes.length + " group"
                + (sizes.length == 1 ? "" : "s") + (sizes.length > 1 ? " " + Arrays.toString(sizes) : "");
    }

    private static void checkScheduler(Path file, LRScheduler scheduler, Map<String, Object> saved) {
        if (scheduler == null && saved != null) {
            throw mismatch(file, "it holds the state of a " + saved.get("scheduler")
                    + " scheduler but no scheduler was given; resume with the same scheduler");
        }
        if (scheduler != null && saved == null) {
            throw mismatch(file, "it holds no scheduler state but a " + scheduler.name() + " scheduler was given");
        }
        if (scheduler != null && !scheduler.name().equals(saved.get("scheduler"))) {
            throw mismatch(file, "it holds the state of a " + saved.get("scheduler") + " scheduler but this run's is "
                    + scheduler.name() + "; resume with the same kind of scheduler");
        }
    }

    private static void checkModel(Path file, Module model, Map<String, Tensor> saved) {
        Map<String, Tensor> own = model.stateDict();
        boolean fits = own.keySet().equals(saved.keySet());
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor s = saved.get(e.getKey());
            fits &= s != null && Arrays.equals(s.shape(), e.getValue().shape());
        }
        if (!fits) {
            try {
                model.loadStateDict(saved); // throws, naming every missing, unexpected and wrong-shape key, and loads nothing
            } catch (IllegalArgumentException e) {
                throw mismatch(file, "its model does not fit " + model.getClass().getSimpleName() + ": "
                        + e.getMessage());
            }
            throw mismatch(file, "its model has " + saved.size() + " tensors but this " + model.getClass().getSimpleName()
                    + " has " + own.size());
        }
    }

    private static Map<String, Object> loaderMap(DataLoader.State s) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("seed", s.seed());
        map.put("epoch", s.epoch());
        map.put("position", s.position());
        return map;
    }

    private static DataLoader.State loaderState(Path file, Map<String, Object> map) {
        long[] v = new long[3];
        String[] keys = {"seed", "epoch", "position"};
        for (int i = 0; i < 3; i++) {
            if (!(map.get(keys[i]) instanceof Long n) || (i > 0 && (n < 0 || n > Integer.MAX_VALUE))) {
                throw bad(file, LOADER_KEY, keys[i] + " is " + map.get(keys[i]) + ", not " + (i == 0 ? "an integer"
                        : "an integer in [0, " + Integer.MAX_VALUE + "]"));
            }
            v[i] = (Long) map.get(keys[i]);
        }
        return new DataLoader.State(v[0], (int) v[1], (int) v[2]);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Path file, Map<String, String> meta, String key, boolean required) {
        String text = meta.get(key);
        if (text == null) {
            if (required) {
                throw new SafeTensorsException(file, 8, "no \"" + key + "\" in __metadata__",
                        "expected a checkpoint written by TrainingState.save or a Trainer");
            }
            return null;
        }
        Object value;
        try {
            value = Json.read(text, file);
        } catch (FileFormatException e) {
            throw new SafeTensorsException(file, 8, "the __metadata__ entry \"" + key + "\" is not valid JSON ("
                    + e.getMessage() + ")", "expected the JSON object TrainingState.save writes");
        }
        if (!(value instanceof Map<?, ?>)) {
            throw bad(file, key, "is not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private static int toInt(Path file, String what, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new SafeTensorsException(file, 8, "the checkpoint's " + what + " is " + value,
                    "expected at most " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static SafeTensorsException bad(Path file, String key, String problem) {
        return new SafeTensorsException(file, 8, "the __metadata__ entry \"" + key + "\" " + problem,
                "expected the state TrainingState.save writes");
    }

    private static IllegalArgumentException mismatch(Path file, String problem) {
        return new IllegalArgumentException("can't resume from " + file + ": " + problem);
    }
}
