package dev.kiln.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training when a metric has not improved by at least {@code minDelta} for {@code patience}
 * epochs (lower is better for losses, higher for accuracies).
 */
public final class EarlyStopping implements TrainingListener {
    private final String metric;
    private final int patience;
    private final double minDelta;
    private final boolean higherIsBetter;
    private double best = Double.NaN;
    private int epochsWithoutImprovement;

    /** Watches {@code metric} ("val_loss", "val_acc", ...). */
    public EarlyStopping(String metric, int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        }
        this.metric = metric;
        this.patience = patience;
        this.minDelta = minDelta;
        this.higherIsBetter = metric.contains("acc");
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("best", best); // Json writes NaN and infinities as strings
        state.put("epochs_without_improvement", epochsWithoutImprovement);
        return state;
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        best = ListenerStates.number(state.get("best"));
        epochsWithoutImprovement = state.get("epochs_without_improvement") instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochMetrics metrics) {
        double value = metrics.get(metric);
        boolean improved = Double.isNaN(best)
                || (higherIsBetter ? value > best + minDelta : value < best - minDelta);
        if (improved) {
            best = value;
            epochsWithoutImprovement = 0;
        } else if (++epochsWithoutImprovement >= patience) {
            trainer.requestStop(String.format(Locale.ROOT, "%s has not improved on %.4f for %d epochs", metric, best,
                    patience));
        }
    }
}
