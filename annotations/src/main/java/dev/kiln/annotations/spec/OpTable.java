package dev.kiln.annotations.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table of ops and their derivative rules, read from the resource {@code derivatives.txt} next
 * to this class: the one definition of each derivative in Kiln, as PyTorch's
 * {@code derivatives.yaml}. The processor turns it into the runtime's {@code Derivatives} class,
 * which eager ops call in their backward, and its differentiator emits calls of the same methods.
 *
 * <p>A line reads {@code id = javaName(Type name, ...) | input: formula | input: formula}; a
 * formula is a Java expression over {@code g}, the parameters, {@code name.shape} and {@code out}.
 */
public final class OpTable {
    private static final String RESOURCE = "derivatives.txt";
    private static final Pattern LINE = Pattern.compile("(\\w+)\\s*=\\s*(\\w+)\\s*\\(([^)]*)\\)\\s*(.*)");
    // An identifier not preceded by '.' or a word character, optionally followed by ".shape".
    private static final Pattern NAME = Pattern.compile("(?<![.\\w])([A-Za-z_]\\w*)(\\.shape\\b)?(\\s*\\()?");

    private final Map<String, OpSpec> byId;

    private OpTable(Map<String, OpSpec> byId) {
        this.byId = byId;
    }

    /** The table shipped with Kiln. */
    public static OpTable load() {
        try (InputStream in = OpTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("OpTable: resource " + RESOURCE + " is missing from the annotations jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
            return parse(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("OpTable: cannot read " + RESOURCE, e);
        }
    }

    /** Parses table lines; blank lines and lines starting with {@code #} are skipped. */
    public static OpTable parse(List<String> lines) {
        Map<String, OpSpec> byId = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            OpSpec spec = parseLine(line, i + 1);
            if (byId.put(spec.id(), spec) != null) {
                throw new IllegalArgumentException("OpTable: line " + (i + 1) + " repeats the id '" + spec.id() + "'");
            }
        }
        return new OpTable(byId);
    }

    private static OpSpec parseLine(String line, int number) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("OpTable: line " + number + " is not 'id = name(params) | input: formula': "
                    + line);
        }
        List<OpSpec.Param> params = new ArrayList<>();
        for (String p : m.group(3).split(",")) {
            String[] parts = p.strip().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("OpTable: line " + number + " has a parameter '" + p.strip()
                        + "' that is not 'Type name'");
            }
            params.add(new OpSpec.Param(parts[0], parts[1]));
        }
        List<OpSpec.Grad> grads = new ArrayList<>();
        String rest = m.group(4).strip();
        if (!rest.startsWith("|")) {
            throw new IllegalArgumentException("OpTable: line " + number + " has no gradient formulas");
        }
        for (String clause : rest.substring(1).split("\\|")) {
            int colon = clause.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("OpTable: line " + number + " has a clause without 'input:': " + clause);
            }
            String input = clause.substring(0, colon).strip();
            boolean known = params.stream().anyMatch(p -> p.name().equals(input) && p.isTensor());
            if (!known) {
                throw new IllegalArgumentException("OpTable: line " + number + " gives a gradient for '" + input
                        + "', which is not a tensor parameter");
            }
            grads.add(grad(input, clause.substring(colon + 1).strip(), params));
        }
        return new OpSpec(m.group(1), m.group(2), params, grads);
    }

    /** Finds what the formula reads and renames {@code x.shape} to {@code xShape}. */
    private static OpSpec.Grad grad(String input, String formula, List<OpSpec.Param> params) {
        StringBuilder out = new StringBuilder();
        List<String> tensors = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        boolean readsOut = false;
        Matcher m = NAME.matcher(formula);
        int last = 0;
        while (m.find()) {
            String name = m.group(1);
            boolean shape = m.group(2) != null;
            boolean call = m.group(3) != null && !shape;
            out.append(formula, last, m.start());
            last = m.end();
            if (!call && name.equals("out")) {
                readsOut = true;
            } else if (!call && params.stream().anyMatch(p -> p.name().equals(name))) {
                (shape ? shapes : tensors).add(name);
            }
            out.append(shape ? name + "Shape" : name);
            if (m.group(3) != null) {
                out.append(m.group(3));
            }
        }
        out.append(formula.substring(last));
        List<String> uses = new ArrayList<>();
        for (OpSpec.Param p : params) {
            if (tensors.contains(p.name())) {
                uses.add(p.name());
            }
            if (shapes.contains(p.name())) {
                uses.add(p.name() + "Shape");
            }
        }
        if (readsOut) {
            uses.add("out");
        }
        return new OpSpec.Grad(input, out.toString(), uses);
    }

    /** Every op, in table order. */
    public List<OpSpec> ops() {
        return List.copyOf(byId.values());
    }

    /** The op with this id, or null. */
    public OpSpec byId(String id) {
        return byId.get(id);
    }

    /**
     * The op called {@code javaName} whose parameter types fit {@code argTypes} (Java's choice between
     * {@code add(Tensor, Tensor)} and {@code add(Tensor, double)}, or {@code mean(Tensor, int, boolean)}
     * and {@code mean(Tensor, int[], boolean)}), or null. An argument type is {@code Tensor} or the
     * Java type of a scalar ({@code int}, {@code int[]}, ...); a {@code double} parameter accepts any
     * primitive number.
     */
    public OpSpec find(String javaName, String[] argTypes) {
        for (OpSpec spec : byId.values()) {
            if (!spec.javaName().equals(javaName) || spec.params().size() != argTypes.length) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < argTypes.length; i++) {
                match &= fits(spec.params().get(i).type(), argTypes[i]);
            }
            if (match) {
                return spec;
            }
        }
        return null;
    }

    private static boolean fits(String param, String arg) {
        if (param.equals(arg)) {
            return true;
        }
        return param.equals("double") && (arg.equals("int") || arg.equals("long") || arg.equals("float"));
    }
}
