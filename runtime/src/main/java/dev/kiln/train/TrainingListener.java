package dev.kiln.train;

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
}
