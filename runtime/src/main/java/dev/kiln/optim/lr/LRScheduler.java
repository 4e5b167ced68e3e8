package dev.kiln.optim.lr;

import dev.kiln.optim.Optimizer;
import dev.kiln.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of learning-rate schedulers: each one is a closed form {@link #lrAt(int, double)} of the
 * epoch (the number of {@link #step()} calls) and a group's base learning rate, which {@code step()}
 * writes into every parameter group of the optimizer.
 *
 * <p>As in PyTorch, creating a scheduler records each group's current learning rate as its
 * {@code initial_lr} (unless an earlier scheduler already did) and uses those as the base learning
 * rates, then sets the learning rate of epoch 0; call {@code step()} once per epoch (or per batch,
 * for per-iteration schedules) after {@code optimizer.step()}. Because the learning rate is
 * computed from the epoch rather than from the previous learning rate, no rounding error
 * accumulates over long runs, and a scheduler restored from its {@link #stateDict()} continues
 * exactly.
 *
 * <pre>{@code
 * var opt = new SGD(model.parameters(), SGD.options().lr(0.1).momentum(0.9));
 * var sched = new StepLR(opt, 30, 0.1);
 * for (int epoch = 0; epoch < 90; epoch++) {
 *     train(model, opt);
 *     sched.step();
 * }
 * }</pre>
 */
public abstract class LRScheduler {
    private final String name;
    private final Optimizer optimizer;
    private double[] baseLrs;
    private double[] lastLrs;
    private int lastEpoch = -1;

    /** A scheduler called {@code name} (in messages and state dicts) for {@code optimizer}; subclasses end their constructor with {@link #initialStep()}. */
    protected LRScheduler(String name, Optimizer optimizer) {
        this.name = name;
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            ParamGroup group = groups.get(i);
            if (!group.hasInitialLr()) {
                group.setInitialLr(group.lr());
            }
            baseLrs[i] = group.initialLr();
        }
        lastLrs = new double[baseLrs.length];
    }

    /** The scheduler's name ({@code "StepLR"}). */
    public final String name() {
        return name;
    }

    /** The optimizer whose learning rates this scheduler sets. */
    public final Optimizer optimizer() {
        return optimizer;
    }

    /** The learning rate at {@code epoch} of a group whose base learning rate is {@code baseLr}. */
    public abstract double lrAt(int epoch, double baseLr);

    /** Sets the learning rates of epoch 0; the last statement of every subclass constructor. */
    protected final void initialStep() {
        step();
    }

    /** Advances one epoch and sets every group's learning rate. */
    public void step() {
        List<ParamGroup> groups = optimizer.paramGroups();
        if (groups.size() != baseLrs.length) {
            throw new IllegalStateException(name + ": the optimizer has " + groups.size() + " parameter groups but the "
                    + "scheduler was created for " + baseLrs.length + "; create the scheduler after adding every group");
        }
        // Every learning rate is computed before any is set, so a failing schedule leaves the optimizer alone.
        double[] next = new double[baseLrs.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = lrAt(lastEpoch + 1, baseLrs[i]);
        }
        for (int i = 0; i < next.length; i++) {
            groups.get(i).setLr(next[i]);
        }
        lastEpoch++;
        lastLrs = next;
    }

    /** The learning rate of each group set by the last step (PyTorch's {@code get_last_lr()}). */
    public final double[] lastLr() {
        return lastLrs.clone();
    }

    /** The base learning rate of each group. */
    public final double[] baseLrs() {
        return baseLrs.clone();
    }

    /** The number of steps taken since epoch 0 (0 right after construction). */
    public final int lastEpoch() {
        return lastEpoch;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * The scheduler's state as a JSON-able map: {@code scheduler} (the name), {@code last_epoch},
     * {@code base_lrs}, {@code last_lr} and the hyperparameters under PyTorch's names.
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("scheduler", name);
        map.put("last_epoch", lastEpoch);
        map.put("base_lrs", toList(baseLrs));
        map.put("last_lr", toList(lastLrs));
        writeHyperparameters(map);
        return map;
    }

    /** Restores a map from {@link #stateDict()} of the same kind of scheduler; a bad map changes nothing in this scheduler. */
    public void loadStateDict(Map<String, ?> state) {
        String where = name + ".loadStateDict";
        if (!name.equals(state.get("scheduler"))) {
            throw new IllegalArgumentException(where + ": the state dict is from " + state.get("scheduler") + ", not " + name);
        }
        int epoch = integer(state, "last_epoch", where);
        if (epoch < 0) {
            throw new IllegalArgumentException(where + ": last_epoch must be >= 0, got " + epoch);
        }
        double[] base = numbers(state, "base_lrs", where);
        double[] last = numbers(state, "last_lr", where);
        if (base.length != baseLrs.length || last.length != baseLrs.length) {
            throw new IllegalArgumentException(where + ": the state dict has " + base.length + " base_lrs and "
                    + last.length + " last_lr values but the optimizer has " + baseLrs.length + " parameter groups");
        }
        readHyperparameters(state, where);
        lastEpoch = epoch;
        baseLrs = base;
        lastLrs = last;
    }

    /** Adds the subclass's hyperparameters to a state dict. */
    protected abstract void writeHyperparameters(Map<String, Object> map);

    /** Restores the subclass's hyperparameters from a state dict (validated before any is set). */
    protected abstract void readHyperparameters(Map<String, ?> map, String where);

    // ---------------------------------------------------------------- map helpers

    /** The number under {@code key}. */
    protected static double number(Map<String, ?> map, String key, String where) {
        Object v = map.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(where + ": " + key + (v == null ? " is missing" : " must be a number, got " + v));
        }
        return n.doubleValue();
    }

    /** The whole number under {@code key}. */
    protected static int integer(Map<String, ?> map, String key, String where) {
        double v = number(map, key, where);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": " + key + " must be a whole number, got " + v);
        }
        return (int) v;
    }

    /** The list of numbers under {@code key}. */
    protected static double[] numbers(Map<String, ?> map, String key, String where) {
        Object v = map.get(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": " + key + (v == null ? " is missing" : " must be a list, got " + v));
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(where + ": " + key + "[" + i + "] must be a number, got " + list.get(i));
            }
            out[i] = n.doubleValue();
        }
        return out;
    }

    /** A list of the values (JSON-able). */
    protected static List<Object> toList(double[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /** A list of the values (JSON-able). */
    protected static List<Object> toList(int[] values) {
        List<Object> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + stateDict();
    }
}
