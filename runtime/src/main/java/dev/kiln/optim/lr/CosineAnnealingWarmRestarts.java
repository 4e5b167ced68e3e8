package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Map;

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov and Hutter; PyTorch's
 * {@code CosineAnnealingWarmRestarts}, the seed's {@code CosineDecayWithWarmRestarts}): the
 * learning rate follows a cosine from the base down to {@code etaMin} over a period of {@code t0}
 * epochs, then restarts at the base; each period is {@code tMult} times as long as the previous one.
 * Within period i, which has length {@code T_i} and began {@code T_cur} epochs ago,
 * {@code lr = etaMin + (base - etaMin) * (1 + cos(pi * T_cur / T_i)) / 2}.
 *
 * <pre>{@code
 * var sched = new CosineAnnealingWarmRestarts(opt, 10, 2, 1e-5);   // periods of 10, 20, 40, ... epochs
 * }</pre>
 */
public final class CosineAnnealingWarmRestarts extends LRScheduler {
    private int t0;
    private int tMult;
    private double etaMin;

    /** Restarts every {@code t0} epochs, annealing to 0. */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0) {
        this(optimizer, t0, 1, 0);
    }

    /** First period {@code t0} (>= 1) epochs, each next one {@code tMult} (>= 1) times longer, annealing to {@code etaMin} (>= 0). */
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult, double etaMin) {
        super("CosineAnnealingWarmRestarts", optimizer);
        this.t0 = HyperparameterCheck.atLeast(name(), "T_0", t0, 1);
        this.tMult = HyperparameterCheck.atLeast(name(), "T_mult", tMult, 1);
        this.etaMin = HyperparameterCheck.nonNegative(name(), "eta_min", etaMin);
        initialStep();
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        long tCur = epoch;
        long tI = t0;
        if (tMult == 1) {
            tCur = epoch % t0;
        } else {
            // Periods grow geometrically, so this runs O(log epoch) times.
            while (tCur >= tI) {
                tCur -= tI;
                tI *= tMult;
            }
        }
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("T_0", t0);
        map.put("T_mult", tMult);
        map.put("eta_min", etaMin);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        int a = HyperparameterCheck.atLeast(name(), "T_0", integer(map, "T_0", where), 1);
        int b = HyperparameterCheck.atLeast(name(), "T_mult", integer(map, "T_mult", where), 1);
        double e = HyperparameterCheck.nonNegative(name(), "eta_min", number(map, "eta_min", where));
        t0 = a;
        tMult = b;
        etaMin = e;
    }
}
