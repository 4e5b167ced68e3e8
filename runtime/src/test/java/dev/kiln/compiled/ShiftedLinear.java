package dev.kiln.compiled;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.nn.Linear;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** A subclass of Linear whose forward computes something else: a parent must not fuse ReLU into it as a Linear. */
public class ShiftedLinear extends Linear {
    ShiftedLinear(int in, int out, Generator g, DType dtype) {
        super(in, out, true, g, dtype);
    }

    @Override
    @Forward(compile = CompileMode.EAGER)
    public Tensor forward(Tensor x) {
        return super.forward(x).sub(0.25);
    }
}
