package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.Map;

/** Adam's and AdamW's state of one parameter: the step count and the moment estimates. */
final class AdamState extends ParamState {
    long step;
    Tensor expAvg;
    Tensor expAvgSq;
    /** The running maximum of expAvgSq; created when AMSGrad is first used. */
    Tensor maxExpAvgSq;

    AdamState(Tensor param) {
        expAvg = Tensor.zeros(param.dtype(), param.shape());
        expAvgSq = Tensor.zeros(param.dtype(), param.shape());
    }

    @Override
    protected void save(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "step", StateReader.stepTensor(step));
        out.put(prefix + "exp_avg", expAvg.copy());
        out.put(prefix + "exp_avg_sq", expAvgSq.copy());
        if (maxExpAvgSq != null) {
            out.put(prefix + "max_exp_avg_sq", maxExpAvgSq.copy());
        }
    }

    @Override
    protected void load(String prefix, StateReader reader, Tensor param) {
        step = reader.step(prefix + "step");
        expAvg = reader.required(prefix + "exp_avg", param);
        expAvgSq = reader.required(prefix + "exp_avg_sq", param);
        maxExpAvgSq = reader.optional(prefix + "max_exp_avg_sq", param);
    }
}
