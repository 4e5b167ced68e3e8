package dev.kiln.optim;

import dev.kiln.tensor.Tensor;

/**
 * AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, which shrinks the parameters by
 * {@code 1 - lr * weight_decay} each step instead of adding an L2 term to the gradient. PyTorch's
 * defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2, AMSGrad off. State per
 * parameter as {@link Adam}'s.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model.parameters(), AdamW.options().lr(3e-4).weightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Optimizer {
    /** AdamW's hyperparameters, with PyTorch's defaults (weight decay 1e-2). */
    public static final class Options extends AdamOptions<Options> {
        Options() {
            super("AdamW", 1e-2);
        }

        @Override
        public Options copy() {
            return copyInto(new Options());
        }
    }

    /** AdamW's default hyperparameters, to adjust fluently. */
    public static Options options() {
        return new Options();
    }

    /** AdamW with the default hyperparameters. */
    public AdamW(Iterable<Tensor> params) {
        this(params, options());
    }

    /** AdamW over one group of {@code params} with {@code options} (copied). */
    public AdamW(Iterable<Tensor> params, Options options) {
        super("AdamW", params, options);
    }

    /** Adds a group of parameters with their own hyperparameters; returns this. */
    public AdamW addParamGroup(Iterable<Tensor> params, Options options) {
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
        AdamUpdate.apply(p, g, (AdamState) state, (Options) options, true);
    }
}
