package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Map;

/**
 * Cosine annealing from the base learning rate down to {@code etaMin} over {@code tMax} epochs,
 * {@code lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2} (PyTorch's
 * {@code CosineAnnealingLR} in closed form; past {@code tMax} it rises again along the same cosine).
 *
 * <pre>{@code
 * var sched = new CosineAnnealingLR(opt, 100, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private int tMax;
    private double etaMin;

    /** Anneals to 0 over {@code tMax} epochs. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    /** Anneals to {@code etaMin} (a finite number >= 0) over {@code tMax} (>= 1) epochs. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super("CosineAnnealingLR", optimizer);
        this.tMax = HyperparameterCheck.atLeast(name(), "T_max", tMax, 1);
        this.etaMin = HyperparameterCheck.nonNegative(name(), "eta_min", etaMin);
        initialStep();
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("T_max", tMax);
        map.put("eta_min", etaMin);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        int t = HyperparameterCheck.atLeast(name(), "T_max", integer(map, "T_max", where), 1);
        double e = HyperparameterCheck.nonNegative(name(), "eta_min", number(map, "eta_min", where));
        tMax = t;
        etaMin = e;
    }
}
