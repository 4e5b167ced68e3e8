package dev.kiln.optim.lr;

import dev.kiln.optim.HyperparameterCheck;
import dev.kiln.optim.Optimizer;
import java.util.Arrays;
import java.util.Map;

/**
 * Multi-step decay: multiplies the learning rate by {@code gamma} at each milestone epoch,
 * {@code lr = base * gamma^(number of milestones <= epoch)} (PyTorch's {@code MultiStepLR}; a
 * milestone given twice decays twice).
 *
 * <pre>{@code
 * var sched = new MultiStepLR(opt, new int[] {30, 80}, 0.1);
 * }</pre>
 */
public final class MultiStepLR extends LRScheduler {
    private int[] milestones;
    private double gamma;

    /** Decays by 0.1 at each milestone. */
    public MultiStepLR(Optimizer optimizer, int[] milestones) {
        this(optimizer, milestones, 0.1);
    }

    /** Decays by {@code gamma} (a finite number >= 0) at each milestone (epochs >= 0, in any order). */
    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super("MultiStepLR", optimizer);
        this.milestones = checkMilestones(milestones);
        this.gamma = HyperparameterCheck.nonNegative(name(), "gamma", gamma);
        initialStep();
    }

    private int[] checkMilestones(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        if (sorted.length > 0 && sorted[0] < 0) {
            throw new IllegalArgumentException(name() + ": milestones must be epochs >= 0, got " + Arrays.toString(values));
        }
        return sorted;
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        int passed = 0;
        while (passed < milestones.length && milestones[passed] <= epoch) {
            passed++;
        }
        return baseLr * Math.pow(gamma, passed);
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("milestones", toList(milestones));
        map.put("gamma", gamma);
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        double[] raw = numbers(map, "milestones", where);
        int[] m = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != Math.rint(raw[i]) || Math.abs(raw[i]) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": milestones[" + i + "] must be a whole number, got " + raw[i]);
            }
            m[i] = (int) raw[i];
        }
        int[] checked = checkMilestones(m);
        double g = HyperparameterCheck.nonNegative(name(), "gamma", number(map, "gamma", where));
        milestones = checked;
        gamma = g;
    }
}
