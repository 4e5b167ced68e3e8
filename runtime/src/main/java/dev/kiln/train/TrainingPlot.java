package dev.kiln.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the loss and accuracy curves of a run to a PNG (JFreeChart, headless): loss metrics in the
 * upper panel, accuracy metrics in the lower one, epochs along the shared x axis.
 */
public final class TrainingPlot {
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);

    private TrainingPlot() {}

    /**
     * Writes the plot of {@code rows} (one map of metric name to value per epoch, with an "epoch"
     * entry) to {@code png}. Metrics whose name contains "loss" go in the upper panel, those with
     * "acc" in the lower one.
     */
    public static void write(List<Map<String, Double>> rows, Path png, String title) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection accuracies = new XYSeriesCollection();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Double> row = rows.get(i);
            double epoch = row.getOrDefault("epoch", (double) i + 1);
            for (Map.Entry<String, Double> e : row.entrySet()) {
                String name = e.getKey();
                if (name.equals("epoch") || e.getValue() == null || !Double.isFinite(e.getValue())) {
                    continue;
                }
                XYSeriesCollection target = name.contains("loss") ? losses : name.contains("acc") ? accuracies : null;
                if (target != null) {
                    series(target, name).add(epoch, e.getValue());
                }
            }
        }
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(integerAxis("epoch"));
        plot.setGap(12);
        plot.add(panel(losses, "loss"), 1);
        plot.add(panel(accuracies, "accuracy"), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 700);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot to " + png + ": " + e.getMessage(), e);
        }
    }

    private static XYSeries series(XYSeriesCollection collection, String name) {
        int index = collection.getSeriesIndex(name);
        if (index >= 0) {
            return collection.getSeries(index);
        }
        XYSeries s = new XYSeries(name);
        collection.addSeries(s);
        return s;
    }

    private static NumberAxis integerAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return axis;
    }

    private static XYPlot panel(XYSeriesCollection data, String label) {
        NumberAxis y = new NumberAxis(label);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            // The same colour for a split in both panels: training blue, validation orange.
            String key = String.valueOf(data.getSeriesKey(i));
            renderer.setSeriesPaint(i, key.startsWith("train") ? TRAIN : key.startsWith("val") ? VALIDATION
                    : Color.DARK_GRAY);
        }
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
