package dev.kiln.tensor;

import java.util.Locale;

/**
 * Prints tensors the way PyTorch does: nested brackets, aligned values, the dtype when it is not
 * the default, and the grad function; large tensors are summarized with "..." at the edges.
 */
final class TensorFormatter {
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private TensorFormatter() {}

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        boolean summarize = t.numel() > SUMMARY_THRESHOLD;
        int[] shape = t.shape();
        int[] index = new int[shape.length];
        int width = 0;
        if (t.numel() > 0) {
            width = maxWidth(t, index, 0, summarize);
        }
        appendLevel(sb, t, index, 0, summarize, width, "tensor(".length());
        if (t.dtype() != DType.FLOAT32) {
            sb.append(", dtype=").append(t.dtype());
        }
        if (t.gradFn() != null) {
            sb.append(", gradFn=").append(t.gradFn());
        } else if (t.requiresGrad()) {
            sb.append(", requiresGrad=true");
        }
        return sb.append(')').toString();
    }

    private static String value(Tensor t, int[] index) {
        double v = t.get(index);
        if (!t.dtype().isFloating()) {
            return Long.toString(t.getLong(index));
        }
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e8 || a < 1e-4)) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static int maxWidth(Tensor t, int[] index, int d, boolean summarize) {
        int[] shape = t.shape();
        if (d == shape.length) {
            return value(t, index).length();
        }
        int w = 0;
        for (int i = 0; i < shape[d]; i++) {
            if (summarize && shape[d] > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                i = shape[d] - EDGE_ITEMS;
            }
            index[d] = i;
            w = Math.max(w, maxWidth(t, index, d + 1, summarize));
        }
        return w;
    }

    private static void appendLevel(StringBuilder sb, Tensor t, int[] index, int d, boolean summarize, int width,
            int indent) {
        int[] shape = t.shape();
        if (d == shape.length) {
            String s = value(t, index);
            sb.append(" ".repeat(Math.max(0, width - s.length()))).append(s);
            return;
        }
        sb.append('[');
        for (int i = 0; i < shape[d]; i++) {
            if (summarize && shape[d] > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                sb.append(d == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + d + 1));
                i = shape[d] - EDGE_ITEMS;
            }
            index[d] = i;
            appendLevel(sb, t, index, d + 1, summarize, width, indent);
            if (i < shape[d] - 1) {
                sb.append(d == shape.length - 1 ? ", " : ",\n" + "\n".repeat(Math.max(0, shape.length - d - 2))
                        + " ".repeat(indent + d + 1));
            }
        }
        sb.append(']');
    }
}
