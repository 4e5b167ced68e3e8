package dev.kiln.optim;

import java.util.List;
import java.util.Map;

/**
 * The hyperparameters Adam and AdamW share: betas (decay rates of the first and second moment
 * estimates, each in [0, 1)), eps (added to the denominator) and the AMSGrad variant.
 *
 * @param <O> the concrete options type
 */
public abstract class AdamOptions<O extends AdamOptions<O>> extends OptimizerOptions<O> {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private boolean amsgrad;

    AdamOptions(String owner, double weightDecay) {
        super(owner, 1e-3, weightDecay);
    }

    /** The decay rate of the first moment estimate. */
    public final double beta1() {
        return beta1;
    }

    /** The decay rate of the second moment estimate. */
    public final double beta2() {
        return beta2;
    }

    /** Sets both betas (each in [0, 1)); returns this. */
    public final O betas(double beta1, double beta2) {
        HyperparameterCheck.inUnitInterval(owner(), "betas[0]", beta1);
        HyperparameterCheck.inUnitInterval(owner(), "betas[1]", beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        return self();
    }

    /** The term added to the denominator for numerical stability. */
    public final double eps() {
        return eps;
    }

    /** Sets eps (a finite number >= 0); returns this. */
    public final O eps(double value) {
        eps = HyperparameterCheck.nonNegative(owner(), "eps", value);
        return self();
    }

    /** Whether the AMSGrad variant (the running maximum of the second moment) is used. */
    public final boolean amsgrad() {
        return amsgrad;
    }

    /** Turns the AMSGrad variant on or off; returns this. */
    public final O amsgrad(boolean value) {
        amsgrad = value;
        return self();
    }

    /** Copies this class's hyperparameters (and the base ones) into {@code other}. */
    final O copyInto(O other) {
        AdamOptions<O> o = copyBaseInto(other);
        o.beta1 = beta1;
        o.beta2 = beta2;
        o.eps = eps;
        o.amsgrad = amsgrad;
        return other;
    }

    @Override
    protected void writeExtra(Map<String, Object> map) {
        map.put("betas", List.of(beta1, beta2));
        map.put("eps", eps);
        map.put("amsgrad", amsgrad);
    }

    @Override
    protected void readExtra(Map<String, ?> map, String where) {
        double[] betas = numbers(map, "betas", 2, where);
        betas(betas[0], betas[1]);
        eps(number(map, "eps", where));
        amsgrad(bool(map, "amsgrad", where));
    }

    @SuppressWarnings("unchecked")
    private O self() {
        return (O) this;
    }
}
