package dev.kiln.train;

import java.nio.file.Path;

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

    @Override
    public void onEpochEnd(Trainer trainer, EpochMetrics metrics) {
        csv.append(metrics.asMap());
        TrainingPlot.write(csv.rows(), plot, title);
    }
}
