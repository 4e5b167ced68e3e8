package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of an optimizer, split the way a checkpoint stores it: named tensors and a small
 * JSON-able map, together enough to resume training exactly.
 *
 * <p>{@code tensors} holds the per-parameter state under {@code state.<i>.<name>}, where {@code i}
 * counts the parameters of all groups in order (as in PyTorch) and the names are PyTorch's:
 * {@code state.0.step} (a 0-d int64 tensor), {@code state.0.exp_avg}, {@code state.0.exp_avg_sq},
 * {@code state.0.max_exp_avg_sq} (Adam, AdamW), {@code state.0.momentum_buffer} (SGD, RMSprop),
 * {@code state.0.square_avg}, {@code state.0.grad_avg} (RMSprop), {@code state.0.sum} (Adagrad).
 * A parameter that has never been stepped has no entries. The tensors are copies, so the snapshot
 * does not change as training goes on.
 *
 * <p>{@code metadata} holds only strings, numbers, booleans, lists and maps: {@code "optimizer"}
 * (the class, {@code "Adam"}) and {@code "param_groups"}, a list with one map per group of its
 * hyperparameters under PyTorch's keys ({@code lr}, {@code betas} as a list, {@code eps},
 * {@code weight_decay}, {@code amsgrad}, {@code maximize}, {@code initial_lr} once a scheduler set
 * it) and {@code params}, the list of the group's parameter indices.
 *
 * @param tensors per-parameter state tensors by key
 * @param metadata the optimizer's name and its groups' hyperparameters
 */
public record OptimizerStateDict(Map<String, Tensor> tensors, Map<String, Object> metadata) {
    /** Takes unmodifiable copies of both maps, keeping their order. */
    public OptimizerStateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
