package dev.kiln.compiled;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * Child outputs that look like temporaries but are read twice, through inlined helpers: a helper's
 * parameter bound to a child call, and a helper's returned child call held in a variable. ReLU must not
 * be fused into those calls. Input {@code [N, 4]}.
 */
public class ReluThroughHelpers extends Module {
    @Layer Linear fc1;
    @Layer Linear fc2;

    ReluThroughHelpers(Generator g, DType dtype) {
        fc1 = new Linear(4, 4, true, g, dtype);
        fc2 = new Linear(4, 4, true, g, dtype);
    }

    @Forward(compile = CompileMode.REQUIRED)
    public Tensor forward(Tensor x) {
        Tensor a = both(fc1.forward(x));
        Tensor h = pre(a);
        Tensor y = relu(h);
        return y.add(h);
    }

    private static Tensor both(Tensor h) {
        return relu(h).add(h);
    }

    private Tensor pre(Tensor x) {
        return fc2.forward(x);
    }
}
