package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * A set of parameters an optimizer updates with the same hyperparameters (PyTorch's
 * {@code param_groups[i]}): fine-tune a backbone with a smaller learning rate than a new head by
 * giving each its own group. Schedulers read and write each group's learning rate, and remember
 * the learning rate they started from as {@link #initialLr()}.
 */
public final class ParamGroup {
    private final Tensor[] params;
    private final OptimizerOptions<?> options;
    private double initialLr = Double.NaN;

    ParamGroup(Tensor[] params, OptimizerOptions<?> options) {
        this.params = params;
        this.options = options;
    }

    /** The parameters, in the order they were given. */
    public List<Tensor> params() {
        return List.of(params);
    }

    /** The parameters as the optimizer's loops read them (not a copy: do not modify). */
    Tensor[] paramArray() {
        return params;
    }

    /** This group's hyperparameters; setting one ({@code group.options().lr(1e-4)}) takes effect at the next step. */
    public OptimizerOptions<?> options() {
        return options;
    }

    /** The learning rate. */
    public double lr() {
        return options.lr();
    }

    /** Sets the learning rate (validated like the option it is). */
    public void setLr(double lr) {
        options.lr(lr);
    }

    /** Whether a scheduler has recorded the learning rate it started from. */
    public boolean hasInitialLr() {
        return !Double.isNaN(initialLr);
    }

    /** The learning rate the first scheduler started from (PyTorch's {@code initial_lr}); NaN when none has. */
    public double initialLr() {
        return initialLr;
    }

    /** Records the learning rate schedules start from. */
    public void setInitialLr(double lr) {
        initialLr = HyperparameterCheck.nonNegative(options.owner(), "initial_lr", lr);
    }
}
