package dev.kiln.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch measured: mean training loss and accuracy over its batches, the validation loss
 * and accuracy (NaN without a validation set), the learning rate it ran with and its duration.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
        double lr, double seconds) {

    /** The metrics by name, in the CSV's column order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("epoch", (double) epoch);
        m.put("train_loss", trainLoss);
        m.put("train_acc", trainAccuracy);
        m.put("val_loss", valLoss);
        m.put("val_acc", valAccuracy);
        m.put("lr", lr);
        m.put("seconds", seconds);
        return m;
    }

    /** The named metric ("val_loss", "val_acc", "train_loss", ...). */
    public double get(String name) {
        Double v = asMap().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + name + "'; known: " + asMap().keySet());
        }
        return v;
    }
}
