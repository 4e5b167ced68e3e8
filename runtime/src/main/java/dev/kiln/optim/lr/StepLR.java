package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Map;

/**
 * Step decay: multiplies the learning rate by {@code gamma} every {@code stepSize} epochs,
 * {@code lr = base * gamma^floor(epoch / stepSize)} (PyTorch's {@code StepLR}).
 *
 * <pre>{@code
 * var sched = new StepLR(opt, 30, 0.1);   // 0.1 for epochs 0-29, 0.01 for 30-59, ...
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    /** Decays by 0.1 every {@code stepSize} epochs. */
    public StepLR(Optimizer optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    /** Decays by {@code gamma} (a finite number >= 0) every {@code stepSize} (>= 1) epochs. */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super("StepLR", optimizer);
        this.stepSize = HyperparameterCheck.atLeast(name(), "step_size", stepSize, 1);
        this.gamma = HyperparameterCheck.nonNegative(name(), "gamma", gamma);
        initialStep();
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("step_size", stepSize);
        map.put("gamma", gamma);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        int s = HyperparameterCheck.atLeast(name(), "step_size", integer(map, "step_size", where), 1);
        double g = HyperparameterCheck.nonNegative(name(), "gamma", number(map, "gamma", where));
        stepSize = s;
        gamma = g;
    }
}
