package dev.kiln.optim;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads per-parameter state tensors out of an {@link OptimizerStateDict} for
 * {@link ParamState#load}: checks each against its parameter's shape, copies it into a fresh buffer
 * of the parameter's dtype, and remembers which keys were used so that unexpected ones are reported.
 */
public final class StateReader {
    private final String where;
    private final Map<String, Tensor> tensors;
    private final Set<String> used = new LinkedHashSet<>();

    StateReader(String where, Map<String, Tensor> tensors) {
        this.where = where;
        this.tensors = tensors;
    }

    /** Whether any key starts with {@code prefix} (a parameter with no keys was never stepped). */
    public boolean hasAny(String prefix) {
        for (String key : tensors.keySet()) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A copy of the tensor under {@code key}, which must exist and have {@code param}'s shape. */
    public Tensor required(String key, Tensor param) {
        Tensor t = optional(key, param);
        if (t == null) {
            throw new IllegalArgumentException(where + ": missing key " + key);
        }
        return t;
    }

    /** A copy of the tensor under {@code key} with {@code param}'s shape and dtype, or null when there is none. */
    public Tensor optional(String key, Tensor param) {
        Tensor t = tensors.get(key);
        if (t == null) {
            return null;
        }
        used.add(key);
        if (!t.hasShape(param.shape())) {
            throw new ShapeException(where + ": " + key + " has shape " + Shapes.str(t.shape())
                    + " but its parameter has shape " + Shapes.str(param.shape()));
        }
        if (!t.dtype().isFloating()) {
            throw new ShapeException(where + ": " + key + " must be a floating tensor, got " + t.dtype());
        }
        Tensor copy = Tensor.zeros(param.dtype(), param.shape());
        try (var scope = GradMode.noGrad()) {
            copy.copyFrom(t);
        }
        return copy;
    }

    /** The step count under {@code key}: a one-element tensor holding a whole number >= 0. */
    public long step(String key) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException(where + ": missing key " + key);
        }
        used.add(key);
        if (t.numel() != 1) {
            throw new ShapeException(where + ": " + key + " must hold one number, got shape " + Shapes.str(t.shape()));
        }
        double v = t.item();
        if (!(v >= 0) || v != Math.rint(v) || v > 1L << 53) {
            throw new IllegalArgumentException(where + ": " + key + " must be a whole number >= 0, got " + v);
        }
        return (long) v;
    }

    /** The keys no state asked for. */
    List<String> unused() {
        List<String> out = new ArrayList<>();
        for (String key : tensors.keySet()) {
            if (!used.contains(key)) {
                out.add(key);
            }
        }
        return out;
    }

    /** A 0-d int64 tensor holding a step count, as {@link #step} reads it. */
    public static Tensor stepTensor(long step) {
        return Tensor.scalar(DType.INT64, step);
    }
}
