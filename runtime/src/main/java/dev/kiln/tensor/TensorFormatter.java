package dev.kiln.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints tensors the way PyTorch does: one number format for the whole tensor (integers as
 * {@code 1.}, four decimals, or scientific notation when magnitudes are far apart), aligned
 * columns, rows wrapped at 80 characters, "..." in tensors of more than 1000 elements, and the
 * dtype when it is neither float32 nor int64.
 */
final class TensorFormatter {
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final int PRECISION = 4;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    static String format(Tensor t) {
        List<String> suffixes = new ArrayList<>();
        String body;
        if (t.numel() == 0) {
            if (t.dim() != 1) {
                suffixes.add("size=" + sizeTuple(t.shape()));
            }
            if (t.dtype() != DType.FLOAT32) {
                suffixes.add("dtype=" + t.dtype());
            }
            body = "[]";
        } else {
            if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.INT64) {
                suffixes.add("dtype=" + t.dtype());
            }
            boolean summarize = t.numel() > SUMMARY_THRESHOLD;
            NumberFormat fmt = new NumberFormat(t, displayed(t, summarize));
            body = tensorString(t, new int[0], PREFIX.length(), summarize, fmt);
        }
        if (t.gradFn() != null) {
            suffixes.add("gradFn=<" + t.gradFn() + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requiresGrad=true");
        }
        return addSuffixes(PREFIX + body, suffixes);
    }

    private static String sizeTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static String addSuffixes(String body, List<String> suffixes) {
        StringBuilder sb = new StringBuilder(body);
        int lastLine = body.length() - body.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLine + suffix.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(PREFIX.length())).append(suffix);
                lastLine = PREFIX.length() + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLine += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /** The positions that will be printed (the edges only, when summarizing): their values decide the format. */
    private static List<int[]> displayed(Tensor t, boolean summarize) {
        List<int[]> out = new ArrayList<>();
        collect(t, new int[t.dim()], 0, summarize, out);
        return out;
    }

    private static void collect(Tensor t, int[] index, int d, boolean summarize, List<int[]> out) {
        if (d == index.length) {
            out.add(index.clone());
            return;
        }
        int size = t.size(d);
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                i = size - EDGE_ITEMS;
            }
            index[d] = i;
            collect(t, index, d + 1, summarize, out);
        }
    }

    /** The sub-tensor at {@code prefix} (its leading coordinates), printed at {@code indent}. */
    private static String tensorString(Tensor t, int[] prefix, int indent, boolean summarize, NumberFormat fmt) {
        int rank = t.dim() - prefix.length;
        if (rank == 0) {
            return fmt.format(t, prefix);
        }
        int size = t.size(prefix.length);
        if (rank == 1) {
            return vectorString(t, prefix, size, indent, summarize, fmt);
        }
        List<String> slices = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                slices.add("...");
                i = size - EDGE_ITEMS;
            }
            slices.add(tensorString(t, append(prefix, i), indent + 1, summarize, fmt));
        }
        String separator = "," + "\n".repeat(rank - 1) + " ".repeat(indent + 1);
        return "[" + String.join(separator, slices) + "]";
    }

    private static String vectorString(Tensor t, int[] prefix, int size, int indent, boolean summarize,
            NumberFormat fmt) {
        int perLine = Math.max(1, (LINE_WIDTH - indent) / (fmt.width + 2));
        List<String> data = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                data.add(" ...");
                i = size - EDGE_ITEMS;
            }
            data.add(fmt.format(t, append(prefix, i)));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < data.size(); i += perLine) {
            lines.add(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    private static int[] append(int[] prefix, int i) {
        int[] out = java.util.Arrays.copyOf(prefix, prefix.length + 1);
        out[prefix.length] = i;
        return out;
    }

    /** PyTorch's _Formatter: one style and width for every element of a tensor. */
    private static final class NumberFormat {
        private final boolean floating;
        private boolean intMode = true;
        private boolean sciMode;
        private int width = 1;

        NumberFormat(Tensor t, List<int[]> positions) {
            floating = t.dtype().isFloating();
            if (!floating) {
                for (int[] p : positions) {
                    width = Math.max(width, Long.toString(t.getLong(p)).length());
                }
                return;
            }
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            List<Double> finite = new ArrayList<>();
            for (int[] p : positions) {
                double v = t.get(p);
                if (Double.isFinite(v) && v != 0) {
                    finite.add(v);
                    min = Math.min(min, Math.abs(v));
                    max = Math.max(max, Math.abs(v));
                    if (v != Math.ceil(v)) {
                        intMode = false;
                    }
                }
            }
            if (finite.isEmpty()) {
                return;
            }
            sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
            for (double v : finite) {
                String s = sciMode ? sci(v) : intMode ? String.format(Locale.ROOT, "%.0f", v) + "."
                        : String.format(Locale.ROOT, "%." + PRECISION + "f", v);
                width = Math.max(width, s.length());
            }
        }

        String format(Tensor t, int[] index) {
            String s;
            if (!floating) {
                s = Long.toString(t.getLong(index));
            } else {
                double v = t.get(index);
                if (Double.isNaN(v)) {
                    s = "nan";
                } else if (Double.isInfinite(v)) {
                    s = v > 0 ? "inf" : "-inf";
                } else if (sciMode) {
                    s = sci(v);
                } else if (intMode) {
                    s = String.format(Locale.ROOT, "%.0f", v) + ".";
                } else {
                    s = String.format(Locale.ROOT, "%." + PRECISION + "f", v);
                }
            }
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private static String sci(double v) {
            return String.format(Locale.ROOT, "%." + PRECISION + "e", v);
        }
    }
}
