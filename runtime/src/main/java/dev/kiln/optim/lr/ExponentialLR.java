package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Map;

/**
 * Exponential decay: {@code lr = base * gamma^epoch} (PyTorch's {@code ExponentialLR}).
 *
 * <pre>{@code
 * var sched = new ExponentialLR(opt, 0.95);
 * }</pre>
 */
public final class ExponentialLR extends LRScheduler {
    private double gamma;

    /** Multiplies the learning rate by {@code gamma} (a finite number >= 0) every epoch. */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super("ExponentialLR", optimizer);
        this.gamma = HyperparameterCheck.nonNegative(name(), "gamma", gamma);
        initialStep();
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch);
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("gamma", gamma);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        gamma = HyperparameterCheck.nonNegative(name(), "gamma", number(map, "gamma", where));
    }
}
