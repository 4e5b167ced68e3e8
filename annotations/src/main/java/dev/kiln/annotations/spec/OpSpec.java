package dev.kiln.annotations.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One op of the derivative table: its Java name and parameters, and for each differentiable input
 * a gradient formula, a Java expression over {@code g} (the output's gradient), the inputs, their
 * shapes ({@code a.shape}) and the output ({@code out}).
 *
 * @param id the table's unique name of this overload ({@code add}, {@code addScalar}); the
 *     generated methods are {@code <id>Grad<Input>}
 * @param javaName the name of the {@code Ops} function and {@code Tensor} method it describes
 * @param params the parameters, in order (the first is the receiver of the {@code Tensor} method)
 * @param grads the gradient formula of each differentiable input, in parameter order
 */
public record OpSpec(String id, String javaName, List<Param> params, List<Grad> grads) {

    /** Copies the lists. */
    public OpSpec {
        params = List.copyOf(params);
        grads = List.copyOf(grads);
    }

    /**
     * One parameter.
     *
     * @param type {@code Tensor}, {@code double}, {@code int}, {@code boolean} or {@code int[]}
     * @param name its name in the formulas
     */
    public record Param(String type, String name) {
        /** Whether the parameter is a tensor. */
        public boolean isTensor() {
            return type.equals("Tensor");
        }
    }

    /**
     * A gradient formula and what it reads.
     *
     * @param input the parameter it is the gradient of
     * @param formula the Java expression, with {@code x.shape} already renamed to {@code xShape}
     * @param uses what the formula reads, in the order of the generated method's parameters after
     *     {@code g}: tensor parameter names, {@code xShape} shape names, scalar parameter names and
     *     {@code out}
     */
    public record Grad(String input, String formula, List<String> uses) {
        /** Copies the list. */
        public Grad {
            uses = List.copyOf(uses);
        }
    }

    /** The name of the generated method for {@code grad}: {@code mulGradA}. */
    public String methodName(Grad grad) {
        return id + "Grad" + grad.input().substring(0, 1).toUpperCase(Locale.ROOT) + grad.input().substring(1);
    }

    /** The gradient of {@code input}, or null when the op has none for it (an integer argument, a constant). */
    public Grad gradOf(String input) {
        for (Grad g : grads) {
            if (g.input().equals(input)) {
                return g;
            }
        }
        return null;
    }

    /** The parameter named {@code name}, or null. */
    public Param param(String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Everything any gradient reads: what the forward must keep for the backward. */
    public List<String> allUses() {
        List<String> all = new ArrayList<>();
        for (Grad g : grads) {
            for (String u : g.uses()) {
                if (!all.contains(u)) {
                    all.add(u);
                }
            }
        }
        return all;
    }
}
