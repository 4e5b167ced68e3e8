package dev.kiln.optim.lr;

import dev.kiln.optim.Optimizer;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * A schedule given as a function: {@code lr = base * factor(epoch)} (PyTorch's {@code LambdaLR}).
 * The function is not part of the state dict; recreate the scheduler with the same function before
 * loading one.
 *
 * <pre>{@code
 * var sched = new LambdaLR(opt, epoch -> 1.0 / (1 + 0.1 * epoch));
 * }</pre>
 */
public final class LambdaLR extends LRScheduler {
    private final IntToDoubleFunction factor;

    /** Scales the base learning rate by {@code factor.applyAsDouble(epoch)}, which must be a finite number >= 0. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction factor) {
        super("LambdaLR", optimizer);
        this.factor = factor;
        initialStep();
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        double f = factor.applyAsDouble(epoch);
        if (!(f >= 0) || f == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name() + ": the factor function returned " + f + " for epoch " + epoch
                    + "; it must return a finite number >= 0");
        }
        return baseLr * f;
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {}

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {}
}
