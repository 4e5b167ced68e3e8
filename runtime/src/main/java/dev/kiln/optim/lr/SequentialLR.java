package dev.kiln.optim.lr;

import dev.kiln.optim.Optimizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Schedules run one after another (PyTorch's {@code SequentialLR}): scheduler 0 until the first
 * milestone, scheduler 1 until the second, and so on; each starts at its own epoch 0 from the base
 * learning rate when its milestone is reached. The schedulers must share one optimizer and are
 * driven by this one: step only the sequence.
 *
 * <pre>{@code
 * var warmup = new LinearLR(opt, 0.01, 1.0, 5);
 * var decay = new CosineAnnealingLR(opt, 95);
 * var sched = new SequentialLR(opt, List.of(warmup, decay), new int[] {5});
 * }</pre>
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    /** Runs {@code schedulers} in turn, switching at the {@code milestones} (one fewer, increasing, >= 1). */
    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super("SequentialLR", optimizer);
        if (schedulers.isEmpty()) {
            throw new IllegalArgumentException(name() + ": expects at least one scheduler, got none");
        }
        this.schedulers = List.copyOf(schedulers);
        ChainedScheduler.checkSameOptimizer(name(), optimizer, this.schedulers);
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException(name() + ": expects " + (schedulers.size() - 1) + " milestones for "
                    + schedulers.size() + " schedulers, got " + milestones.length + ": " + Arrays.toString(milestones));
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException(name() + ": milestones must be increasing epochs >= 1, got "
                        + Arrays.toString(milestones));
            }
        }
        this.milestones = milestones.clone();
        initialStep();
    }

    /** The schedulers, in order. */
    public List<LRScheduler> schedulers() {
        return schedulers;
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        int active = 0;
        while (active < milestones.length && milestones[active] <= epoch) {
            active++;
        }
        int start = active == 0 ? 0 : milestones[active - 1];
        return schedulers.get(active).lrAt(epoch - start, baseLr);
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("milestones", toList(milestones));
        map.put("schedulers", ChainedScheduler.childStates(schedulers));
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        double[] saved = numbers(map, "milestones", where);
        double[] current = new double[milestones.length];
        for (int i = 0; i < current.length; i++) {
            current[i] = milestones[i];
        }
        if (!Arrays.equals(saved, current)) {
            throw new IllegalArgumentException(where + ": the state dict has milestones " + Arrays.toString(saved)
                    + " but this scheduler has " + Arrays.toString(milestones));
        }
        ChainedScheduler.loadChildStates(map, where, schedulers);
    }
}
