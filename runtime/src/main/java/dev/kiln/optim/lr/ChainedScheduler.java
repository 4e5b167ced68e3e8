package dev.kiln.optim.lr;

import dev.kiln.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several schedules applied together (PyTorch's {@code ChainedScheduler}): at each epoch the first
 * scheduler's closed form is applied to the base learning rate, the second's to that result, and
 * so on. For multiplicative schedules the factors multiply: a {@link LinearLR} warm-up chained with
 * an {@link ExponentialLR} gives {@code base * warmup(epoch) * gamma^epoch}. The chained schedulers
 * must share one optimizer and are driven by this one: step only the chain.
 *
 * <pre>{@code
 * var sched = new ChainedScheduler(new LinearLR(opt, 0.1, 1.0, 5), new ExponentialLR(opt, 0.95));
 * }</pre>
 */
public final class ChainedScheduler extends LRScheduler {
    private final List<LRScheduler> schedulers;

    /** Chains {@code schedulers} (at least one, all of the same optimizer). */
    public ChainedScheduler(LRScheduler... schedulers) {
        this(List.of(schedulers));
    }

    /** Chains {@code schedulers} (at least one, all of the same optimizer). */
    public ChainedScheduler(List<LRScheduler> schedulers) {
        super("ChainedScheduler", firstOptimizer("ChainedScheduler", schedulers));
        this.schedulers = List.copyOf(schedulers);
        checkSameOptimizer(name(), optimizer(), this.schedulers);
        initialStep();
    }

    /** The chained schedulers, in order. */
    public List<LRScheduler> schedulers() {
        return schedulers;
    }

    @Override
    public double lrAt(int epoch, double baseLr) {
        double lr = baseLr;
        for (LRScheduler s : schedulers) {
            lr = s.lrAt(epoch, lr);
        }
        return lr;
    }

    @Override
    protected void writeHyperparameters(Map<String, Object> map) {
        map.put("schedulers", childStates(schedulers));
    }

    @Override
    protected void readHyperparameters(Map<String, ?> map, String where) {
        loadChildStates(map, where, schedulers);
    }

    static Optimizer firstOptimizer(String owner, List<LRScheduler> schedulers) {
        if (schedulers.isEmpty()) {
            throw new IllegalArgumentException(owner + ": expects at least one scheduler, got none");
        }
        return schedulers.get(0).optimizer();
    }

    static void checkSameOptimizer(String owner, Optimizer optimizer, List<LRScheduler> schedulers) {
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != optimizer) {
                throw new IllegalArgumentException(owner + ": scheduler " + i + " (" + schedulers.get(i).name()
                        + ") belongs to a different optimizer; every scheduler must drive the same one");
            }
        }
    }

    static List<Object> childStates(List<LRScheduler> schedulers) {
        List<Object> out = new ArrayList<>();
        for (LRScheduler s : schedulers) {
            out.add(s.stateDict());
        }
        return out;
    }

    static void loadChildStates(Map<String, ?> map, String where, List<LRScheduler> schedulers) {
        if (!(map.get("schedulers") instanceof List<?> list) || list.size() != schedulers.size()) {
            throw new IllegalArgumentException(where + ": schedulers must be a list of " + schedulers.size()
                    + " state dicts, got " + map.get("schedulers"));
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> child)) {
                throw new IllegalArgumentException(where + ": schedulers[" + i + "] must be a map, got " + list.get(i));
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) child;
            schedulers.get(i).loadStateDict(typed);
        }
    }
}
