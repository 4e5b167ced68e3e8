package dev.kiln.compiled;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/** Eager children whose private tapes are closed although they read more than their input. */
final class BoundaryModules {
    private BoundaryModules() {}

    /** Eager: returns its input as it is. */
    public static class PassThrough extends Module {
        @Forward(compile = CompileMode.EAGER)
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    /** Eager: doubles its input and counts how often its body ran. */
    public static class CountsCalls extends Module {
        int calls;

        @Forward(compile = CompileMode.EAGER)
        public Tensor forward(Tensor x) {
            calls++;
            return x.mul(2);
        }
    }

    /** Eager: reads a buffer, a fresh constant, a compiled sub-child through apply and its parameter twice. */
    public static class ReadsEverything extends Module {
        @Param Tensor weight;
        @Buffer Tensor scale;
        @Layer Linear lin;

        ReadsEverything(Generator g, Linear shared) {
            weight = Tensor.randn(g, DType.FLOAT64, 3).requiresGrad(true);
            scale = Tensor.full(DType.FLOAT64, 2.0, 3);
            lin = shared;
        }

        @Forward(compile = CompileMode.EAGER)
        public Tensor forward(Tensor x) {
            Tensor h = lin.apply(x.mul(weight).mul(scale).add(Tensor.ones(DType.FLOAT64, 3)));
            return h.add(weight.detach().sum()).add(weight.sum());
        }
    }

    /** Compiled: calls its eager child twice, then a Linear that the child may share. */
    public static class CallsTwice extends Module {
        @Layer Module inner;
        @Layer Linear tied;

        CallsTwice(Module inner, Linear tied) {
            this.inner = inner;
            this.tied = tied;
        }

        @Forward(compile = CompileMode.REQUIRED)
        public Tensor forward(Tensor x) {
            Tensor y = inner.apply(inner.apply(x));
            return tied.forward(y).add(y);
        }
    }
}
