package dev.kiln.compiled;

import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a compiled backward adds the gradients of parameters: one slot per parameter that is an
 * input of the compiled node, found by identity, so a parameter shared by two layers sums both uses.
 * It also tells the frames whether this backward is the last through them ({@link #freesSavedValues}).
 */
public final class GradSink {
    private final Map<Tensor, Integer> slots = new IdentityHashMap<>();
    private final Tensor[] grads;
    private final boolean freesSavedValues;

    /** A sink for {@code params}, in order, for a backward after which the frames may run again. */
    public GradSink(List<Tensor> params) {
        this(params, false);
    }

    /**
     * A sink for {@code params}, in order; {@code lastBackward} when no backward will run through the
     * frames again (the engine's {@code retainGraph = false}, a training step).
     */
    public GradSink(List<Tensor> params, boolean lastBackward) {
        freesSavedValues = lastBackward;
        grads = new Tensor[params.size()];
        for (int i = 0; i < params.size(); i++) {
            slots.putIfAbsent(params.get(i), i);
        }
    }

    /**
     * Whether the frames may drop each saved value as soon as their backward has read it for the last
     * time, as PyTorch frees saved tensors during a backward that does not retain the graph: the
     * generated backward then clears each saved field and child frame after its last use, so the
     * activations of the later layers can be collected while the earlier layers' gradients are computed.
     */
    public boolean freesSavedValues() {
        return freesSavedValues;
    }

    /** Whether {@code param} is one of this sink's parameters (so its gradient is worth computing). */
    public boolean wants(Tensor param) {
        return param != null && slots.containsKey(param);
    }

    /** Adds {@code g} into the gradient of {@code param}; a parameter the sink does not hold is ignored. */
    public void add(Tensor param, Tensor g) {
        Integer slot = param == null || g == null ? null : slots.get(param);
        if (slot != null) {
            grads[slot] = Frame.accumulate(grads[slot], g);
        }
    }

    /** The gradient of each parameter, in order (null where none arrived); the sink's own array. */
    public Tensor[] grads() {
        return grads;
    }

    /** Forgets the gradients gathered so far, so that one sink serves one backward after another. */
    public void clear() {
        Arrays.fill(grads, null);
    }
}
