package dev.kiln.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-epoch metrics as a CSV file, one row per epoch and one column per metric, rewritten after
 * every epoch so the file is complete whenever training stops.
 */
public final class MetricsCsv {
    private final Path path;
    private final List<String> columns = new ArrayList<>();
    private final List<Map<String, Double>> rows = new ArrayList<>();

    public MetricsCsv(Path path) {
        this.path = path;
    }

    /** Adds an epoch's metrics (in the order first seen) and rewrites the file. */
    public void append(Map<String, Double> metrics) {
        for (String name : metrics.keySet()) {
            if (!columns.contains(name)) {
                columns.add(name);
            }
        }
        rows.add(new LinkedHashMap<>(metrics));
        write();
    }

    /** Forgets every row (the file is rewritten by the next append). */
    public void clear() {
        columns.clear();
        rows.clear();
    }

    /** The rows appended so far (the plot reads them). */
    public List<Map<String, Double>> rows() {
        return List.copyOf(rows);
    }

    public Path path() {
        return path;
    }

    private void write() {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, Double> row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                Double v = row.get(columns.get(i));
                if (i > 0) {
                    sb.append(',');
                }
                if (v != null) {
                    sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue())
                            : String.format(Locale.ROOT, "%.6g", v));
                }
            }
            sb.append('\n');
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + path + ": " + e.getMessage(), e);
        }
    }
}
