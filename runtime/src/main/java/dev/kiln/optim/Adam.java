package dev.kiln.optim;

import dev.kiln.tensor.Tensor;

/**
 * Adam (Kingma and Ba), with PyTorch's update rule and defaults: lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8, weight decay 0 (an L2 penalty added to the gradient; see {@link AdamW} for decoupled
 * decay), AMSGrad off. State per parameter: {@code step}, {@code exp_avg}, {@code exp_avg_sq}, and
 * {@code max_exp_avg_sq} with AMSGrad.
 *
 * <pre>{@code
 * Adam opt = new Adam(model.parameters(), Adam.options().lr(1e-3).betas(0.9, 0.999));
 * }</pre>
 */
public final class Adam extends Optimizer {
    /** Adam's hyperparameters, with PyTorch's defaults. */
    public static final class Options extends AdamOptions<Options> {
        Options() {
            super("Adam", 0);
        }

        @Override
        public Options copy() {
            return copyInto(new Options());
        }
    }

    /** Adam's default hyperparameters, to adjust fluently. */
    public static Options options() {
        return new Options();
    }

    /** Adam with the default hyperparameters. */
    public Adam(Iterable<Tensor> params) {
        this(params, options());
    }

    /** Adam over one group of {@code params} with {@code options} (copied). */
    public Adam(Iterable<Tensor> params, Options options) {
        super("Adam", params, options);
    }

    /** Adds a group of parameters with their own hyperparameters; returns this. */
    public Adam addParamGroup(Iterable<Tensor> params, Options options) {
        addGroup(params, options);
        return this;
    }

    /** The live options of group {@code group} (changes apply from the next step). */
    public Options options(int group) {
        return (Options) paramGroups().get(group).options();
    }

    @Override
    protected ParamState newState(Tensor param, OptimizerOptions<?> options) {
        return new AdamState(param);
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options) {
        AdamUpdate.apply(p, g, (AdamState) state, (Options) options, false);
    }
}
