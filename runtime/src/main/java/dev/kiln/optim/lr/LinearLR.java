package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Map;

/**
 * Linear warm-up (or decay): scales the learning rate by a factor that moves linearly from
 * {@code startFactor} to {@code endFactor} over {@code totalIters} epochs and then stays,
 * {@code lr = base * (start + (end - start) * min(epoch, totalIters) / totalIters)} (PyTorch's
 * {@code LinearLR}, with its defaults 1/3, 1 and 5).
 *
 * <pre>{@code
 * var warmup = new LinearLR(opt, 0.01, 1.0, 500);    // from 1% to the full learning rate over 500 steps
 * }</pre>
 */
public final class LinearLR extends LRScheduler {
    private double startFactor;
    private double endFactor;
    private int totalIters;

    /** PyTorch's defaults: from 1/3 of the learning rate to all of it over 5 epochs. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    /** From {@code startFactor} (in (0, 1]) to {@code endFactor} (in [0, 1]) times the base over {@code totalIters} (>= 1) epochs. */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super("LinearLR", optimizer);
        this.startFactor = checkStart(startFactor);
        this.endFactor = HyperparameterCheck.inRange(name(), "end_factor", endFactor, 0, 1);
        this.totalIters = HyperparameterCheck.atLeast(name(), "total_iters", totalIters, 1);
        initialStep();
    }

    private double checkStart(double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name() + ": start_factor must be a number in (0, 1], got " + value);
        }
        return value;
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        return baseLr * (startFactor + (endFactor - startFactor) * Math.min(epoch, totalIters) / totalIters);
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("start_factor", startFactor);
        map.put("end_factor", endFactor);
        map.put("total_iters", totalIters);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        double s = checkStart(number(map, "start_factor", where));
        double e = HyperparameterCheck.inRange(name(), "end_factor", number(map, "end_factor", where), 0, 1);
        int t = HyperparameterCheck.atLeast(name(), "total_iters", integer(map, "total_iters", where), 1);
        startFactor = s;
        endFactor = e;
        totalIters = t;
    }
}
