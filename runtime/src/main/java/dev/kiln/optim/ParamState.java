package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.Map;

/**
 * What an optimizer keeps for one parameter between steps (step count, moment buffers), created
 * at the parameter's first update and saved in the optimizer's state dict under PyTorch's names.
 */
public abstract class ParamState {
    /** Adds copies of this state's tensors to {@code out} under {@code prefix + name} ({@code state.0.exp_avg}). */
    protected abstract void save(String prefix, Map<String, Tensor> out);

    /** Replaces this state with the tensors {@code reader} holds under {@code prefix} for {@code param}. */
    protected abstract void load(String prefix, StateReader reader, Tensor param);
}
