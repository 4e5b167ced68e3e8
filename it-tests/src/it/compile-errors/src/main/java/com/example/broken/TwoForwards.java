package com.example.broken;

import dev.kiln.annotations.Forward;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Two entry points, and a forward parameter that is neither a tensor nor a hyperparameter. */
public class TwoForwards extends Module {
    @Forward
    public Tensor forward(Tensor x) {
        return x;
    }

    @Forward public Tensor forwardAll(List<Tensor> xs) { // expect KLN301 KLN306
        return xs.get(0);
    }
}
