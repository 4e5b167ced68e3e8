package dev.kiln.train;

import dev.kiln.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Saves the model's state dict (safetensors, written atomically) whenever a metric reaches a new
 * best, so the file always holds the best model seen so far.
 */
public final class CheckpointBest implements TrainingListener {
    private final Path path;
    private final String metric;
    private final boolean higherIsBetter;
    private double best = Double.NaN;

    /** Saves to {@code path} when {@code metric} ("val_acc", "val_loss", ...) improves. */
    public CheckpointBest(Path path, String metric) {
        this.path = path;
        this.metric = metric;
        this.higherIsBetter = metric.contains("acc");
    }

    public Path path() {
        return path;
    }

    /** The best value seen so far (NaN before the first epoch). */
    public double best() {
        return best;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("best", best); // Json writes NaN and infinities as strings
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        best = ListenerStates.number(state.get("best"));
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochMetrics metrics) {
        double value = metrics.get(metric);
        if (Double.isNaN(value)) {
            return;
        }
        if (Double.isNaN(best) || (higherIsBetter ? value > best : value < best)) {
            best = value;
            SafeTensors.write(path, trainer.model().stateDict(), Map.of(
                    "epoch", Integer.toString(metrics.epoch()),
                    metric, String.format(Locale.ROOT, "%.6f", value)));
        }
    }
}
