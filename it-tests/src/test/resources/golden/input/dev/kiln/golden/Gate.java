package dev.kiln.golden;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/** A gated cell: a check called as it is, a state that may be null, helpers of its package inlined. */
public class Gate extends Module {
    private static final double SCALE = 0.5;
    @Param Tensor weight;
    final int hidden;
    final boolean relu;

    public Gate(int hidden, boolean relu) {
        this.hidden = hidden;
        this.relu = relu;
        weight = Tensor.full(0.1, hidden, hidden).requiresGrad(true);
    }

    @Forward
    public Tensor forward(Tensor x, Tensor h) {
        checkWidth(x);
        int[] shape = new int[] {x.size(0), hidden};
        Tensor state = Gates.stateOrZeros(h, x, shape);
        Tensor pre = x.matmul(weight).add(state).mul(SCALE);
        return Gates.gate(pre, relu);
    }

    void checkWidth(Tensor x) {
        if (x.size(1) != hidden) {
            throw new IllegalArgumentException("Gate: width " + x.size(1) + ", expected " + hidden);
        }
    }
}
