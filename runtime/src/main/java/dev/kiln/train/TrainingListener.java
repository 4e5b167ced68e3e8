package dev.kiln.train;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}: metrics logging, early stopping, checkpointing the best model,
 * learning-rate logging. Every method has an empty default.
 */
public interface TrainingListener {
    /** Before the first batch of {@code epoch} (1-based). */
    default void onEpochStart(Trainer trainer, int epoch) {}

    /** After every optimizer step, with the batch's loss. */
    default void onStep(Trainer trainer, int epoch, int step, double loss) {}

    /** After an epoch and its validation; call {@link Trainer#requestStop(String)} to end training. */
    default void onEpochEnd(Trainer trainer, EpochMetrics metrics) {}

    /** After the last epoch (also after an early stop). */
    default void onFitEnd(Trainer trainer) {}

    /**
     * What this listener must carry over when a run stops and {@link Trainer#resume resumes} (an early
     * stop's patience count, the best value so far), as JSON values: numbers, strings, booleans, null,
     * lists and maps of them. Every training checkpoint saves it; empty (the default) when there is none.
     */
    default Map<String, Object> state() {
        return Map.of();
    }

    /** Restores what {@link #state()} returned, before a resumed run trains on. Numbers come back as Long or Double. */
    default void restoreState(Map<String, Object> state) {}
}
