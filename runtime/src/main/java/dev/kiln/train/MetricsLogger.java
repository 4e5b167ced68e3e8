package dev.kiln.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every epoch's metrics to {@code metrics.csv} and redraws {@code curves.png} (loss and
 * accuracy per epoch) in a run directory, so both are current whenever training stops.
 */
public final class MetricsLogger implements TrainingListener {
    private final MetricsCsv csv;
    private final Path plot;
    private final String title;

    /** Logs into {@code runDir}/metrics.csv and {@code runDir}/curves.png. */
    public MetricsLogger(Path runDir, String title) {
        this.csv = new MetricsCsv(runDir.resolve("metrics.csv"));
        this.plot = runDir.resolve("curves.png");
        this.title = title;
    }

    public Path csvPath() {
        return csv.path();
    }

    public Path plotPath() {
        return plot;
    }

    /** The epochs logged so far, so that a resumed run's file and plot hold the whole run. */
    @Override
    public Map<String, Object> state() {
        return Map.of("epochs", csv.rows());
    }

    @Override
    public void restoreState(Map<String, Object> state) {
        if (state.get("epochs") instanceof List<?> epochs) {
            csv.clear(); // the saved epochs replace any this logger holds (a trainer resumed in the same process)
            for (Object epoch : epochs) {
                if (epoch instanceof Map<?, ?> json) {
                    Map<String, Double> row = new LinkedHashMap<>();
                    json.forEach((name, value) -> row.put((String) name,
                            ListenerStates.number(value)));
                    csv.append(row);
                }
            }
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochMetrics metrics) {
        csv.append(metrics.asMap());
        TrainingPlot.write(csv.rows(), plot, title);
    }
}
