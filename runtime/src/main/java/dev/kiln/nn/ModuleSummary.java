package dev.kiln.nn;

import dev.kiln.autograd.GradMode;
import dev.kiln.compiled.Compiled;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the table of {@link Module#summary}: one row per module (pre-order, shared modules once),
 * its output shape during one trial forward pass, and the parameters of its subtree.
 *
 * <p>A module's output is seen when it runs through {@link Module#apply}/{@link Module#call} or is
 * called by a compiled forward: the summary runs the root once, through its generated forward where
 * its body compiled ({@link Compiled#compiledScope}), so the children a compiled body calls through
 * their typed {@code forward} method show their shapes. Only children called that way from a body
 * that runs eagerly show {@code -} (the call does not pass through Kiln).
 */
public final class ModuleSummary {
    private static final ThreadLocal<Map<Module, Object>> OBSERVED = new ThreadLocal<>();

    private ModuleSummary() {}

    /**
     * Records {@code output} for {@code module} while a summary runs on this thread: called by
     * {@link Module#call} and by compiled forwards for each child they call (public for the latter).
     */
    public static void observe(Module module, Object output) {
        Map<Module, Object> observed = OBSERVED.get();
        if (observed != null) {
            observed.putIfAbsent(module, output);
        }
    }

    /**
     * Whether a summary is running on this thread: compiled forwards then run their children one by one
     * rather than fused, so that each child's output is seen (public for {@code Compiled}).
     */
    public static boolean running() {
        return OBSERVED.get() != null;
    }

    private record Row(String label, String output, long params) {}

    static String of(Module root, Tensor[] inputs) {
        List<Module> all = root.modules();
        Map<Module, Boolean> modes = new IdentityHashMap<>();
        for (Module m : all) {
            modes.put(m, m.isTraining());
        }
        Map<Module, Object> observed = new IdentityHashMap<>();
        OBSERVED.set(observed);
        try (GradMode.Scope scope = GradMode.noGrad(); Compiled.Scope compiled = Compiled.compiledScope()) {
            root.eval();
            root.call((Object[]) inputs);
        } finally {
            OBSERVED.remove();
            modes.forEach(Module::setTrainingFlag);
        }

        List<Row> rows = new ArrayList<>();
        collect(root, typeName(root), 0, observed, Collections.newSetFromMap(new IdentityHashMap<>()), rows);

        long total = 0;
        long trainable = 0;
        for (Tensor p : root.parameters()) {
            total += p.numel();
            if (p.requiresGrad()) {
                trainable += p.numel();
            }
        }
        String h1 = "Layer (type)";
        String h2 = "Output Shape";
        String h3 = "Param #";
        int w1 = h1.length();
        int w2 = h2.length();
        int w3 = h3.length();
        for (Row r : rows) {
            w1 = Math.max(w1, r.label().length());
            w2 = Math.max(w2, r.output().length());
            w3 = Math.max(w3, count(r.params()).length());
        }
        int width = w1 + w2 + w3 + 4;
        String thick = "=".repeat(width);
        StringBuilder sb = new StringBuilder();
        sb.append(thick).append('\n');
        sb.append(pad(h1, w1)).append("  ").append(pad(h2, w2)).append("  ").append(padLeft(h3, w3)).append('\n');
        sb.append(thick).append('\n');
        for (Row r : rows) {
            sb.append(pad(r.label(), w1)).append("  ").append(pad(r.output(), w2)).append("  ")
                    .append(padLeft(count(r.params()), w3)).append('\n');
        }
        sb.append(thick).append('\n');
        sb.append("Total params: ").append(count(total)).append('\n');
        sb.append("Trainable params: ").append(count(trainable)).append('\n');
        sb.append("Non-trainable params: ").append(count(total - trainable)).append('\n');
        sb.append(thick);
        return sb.toString();
    }

    private static void collect(Module m, String label, int depth, Map<Module, Object> observed, Set<Module> seen,
            List<Row> rows) {
        if (!seen.add(m)) {
            return;
        }
        rows.add(new Row("  ".repeat(depth) + label, describe(observed.get(m), observed.containsKey(m)),
                m.numParameters()));
        for (Map.Entry<String, Module> e : m.namedChildren().entrySet()) {
            collect(e.getValue(), e.getKey() + " (" + typeName(e.getValue()) + ")", depth + 1, observed, seen, rows);
        }
    }

    private static String typeName(Module m) {
        return Module.typeName(m);
    }

    private static String describe(Object output, boolean seen) {
        if (!seen) {
            return "-";
        }
        if (output instanceof Tensor t) {
            return Module.shapeOf(t);
        }
        return output == null ? "null" : output.getClass().getSimpleName();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(w - s.length()) + s;
    }
}
