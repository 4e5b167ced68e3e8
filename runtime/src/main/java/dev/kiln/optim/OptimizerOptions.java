package dev.kiln.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyperparameters of one parameter group, set fluently ({@code Adam.options().lr(1e-3).betas(0.9, 0.999)})
 * and validated in each setter, so a bad value fails where it is written with a message that names
 * the optimizer, the hyperparameter and the value. Every optimizer has a learning rate, a weight
 * decay and PyTorch's {@code maximize} flag; subclasses add their own.
 *
 * @param <O> the concrete options type, returned by the fluent setters
 */
public abstract class OptimizerOptions<O extends OptimizerOptions<O>> {
    private final String owner;
    private double lr;
    private double weightDecay;
    private boolean maximize;

    /** Options for optimizer {@code owner} (named in error messages) with its default learning rate and weight decay. */
    protected OptimizerOptions(String owner, double lr, double weightDecay) {
        this.owner = owner;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** The optimizer these options belong to ({@code "Adam"}). */
    public final String owner() {
        return owner;
    }

    /** The learning rate. */
    public final double lr() {
        return lr;
    }

    /** Sets the learning rate (a finite number >= 0); returns this. */
    public final O lr(double value) {
        lr = HyperparameterCheck.nonNegative(owner, "lr", value);
        return self();
    }

    /** The weight decay (L2 penalty; decoupled in AdamW). */
    public final double weightDecay() {
        return weightDecay;
    }

    /** Sets the weight decay (a finite number >= 0); returns this. */
    public final O weightDecay(double value) {
        weightDecay = HyperparameterCheck.nonNegative(owner, "weight_decay", value);
        return self();
    }

    /** Whether the optimizer maximizes the objective instead of minimizing it. */
    public final boolean maximize() {
        return maximize;
    }

    /** Maximizes the objective instead of minimizing it (PyTorch's {@code maximize}); returns this. */
    public final O maximize(boolean value) {
        maximize = value;
        return self();
    }

    /** An independent copy (each parameter group owns its options). */
    public abstract O copy();

    /** Checks constraints between hyperparameters that no single setter can (SGD's Nesterov needs momentum). */
    protected void validate() {}

    /** Writes every hyperparameter under PyTorch's key ({@code lr}, {@code betas}, {@code weight_decay}, ...). */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lr", lr);
        map.put("weight_decay", weightDecay);
        map.put("maximize", maximize);
        writeExtra(map);
        return map;
    }

    /** Reads every hyperparameter written by {@link #toMap()}; {@code where} names the map in error messages. */
    public void readFrom(Map<String, ?> map, String where) {
        lr(number(map, "lr", where));
        weightDecay(number(map, "weight_decay", where));
        maximize(bool(map, "maximize", where));
        readExtra(map, where);
        validate();
    }

    /** Adds the subclass's hyperparameters to {@code map}. */
    protected abstract void writeExtra(Map<String, Object> map);

    /** Reads the subclass's hyperparameters from {@code map}. */
    protected abstract void readExtra(Map<String, ?> map, String where);

    @SuppressWarnings("unchecked")
    private O self() {
        return (O) this;
    }

    /** Copies the base hyperparameters into {@code other}; subclasses' {@link #copy()} starts from it. */
    protected final O copyBaseInto(O other) {
        OptimizerOptions<O> o = other;
        o.lr = lr;
        o.weightDecay = weightDecay;
        o.maximize = maximize;
        return other;
    }

    // ---------------------------------------------------------------- map reading helpers

    /** The number under {@code key}; fails naming {@code where} and the key when it is missing or not a number. */
    protected static double number(Map<String, ?> map, String key, String where) {
        Object v = map.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(where + "." + key + (v == null ? " is missing" : " must be a number, got " + v));
        }
        return n.doubleValue();
    }

    /** The boolean under {@code key}. */
    protected static boolean bool(Map<String, ?> map, String key, String where) {
        Object v = map.get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(where + "." + key + (v == null ? " is missing" : " must be a boolean, got " + v));
        }
        return b;
    }

    /** The list of {@code count} numbers under {@code key} (Adam's betas); a double[] is accepted too. */
    protected static double[] numbers(Map<String, ?> map, String key, int count, String where) {
        Object v = map.get(key);
        double[] out = new double[count];
        if (v instanceof double[] a && a.length == count) {
            return a.clone();
        }
        if (v instanceof List<?> list && list.size() == count) {
            for (int i = 0; i < count; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw new IllegalArgumentException(where + "." + key + "[" + i + "] must be a number, got " + list.get(i));
                }
                out[i] = n.doubleValue();
            }
            return out;
        }
        throw new IllegalArgumentException(where + "." + key + (v == null ? " is missing" : " must be a list of " + count
                + " numbers, got " + v));
    }

    @Override
    public String toString() {
        return owner + toMap();
    }
}
