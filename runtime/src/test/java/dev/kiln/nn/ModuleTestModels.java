package dev.kiln.nn;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only modules, processed by the Kiln processor when the runtime's tests compile. They are
 * nested on purpose: their structures are {@code ModuleTestModels_Toy_Module} etc.
 */
final class ModuleTestModels {
    private ModuleTestModels() {}

    /** A linear layer with its own tensors (Kiln's real Linear lives elsewhere). */
    static class Toy extends Module {
        @Param Tensor weight;
        @Param Tensor bias;
        final int in;
        final int out;

        Toy(int in, int out) {
            this.in = in;
            this.out = out;
            weight = Tensor.full(0.5, out, in).requiresGrad(true);
            bias = Tensor.zeros(out).requiresGrad(true);
        }

        @Forward
        Tensor forward(Tensor x) {
            return x.matmul(weight.t()).add(bias);
        }

        @Override
        protected String extraRepr() {
            return "in_features=" + in + ", out_features=" + out;
        }
    }

    /** A child with a layer and a buffer. */
    static class Block extends Module {
        @Layer Toy fc;
        @Buffer Tensor runningMean;

        Block(int width) {
            fc = new Toy(width, width);
            runningMean = Tensor.zeros(width);
        }

        @Forward
        Tensor forward(Tensor x) {
            return fc.forward(x).relu();
        }
    }

    /** An abstract superclass with a field and no @Forward. */
    abstract static class Base extends Module {
        @Param Tensor scale = Tensor.ones(1).requiresGrad(true);
    }

    /**
     * The reference model of the keys test: inherited field, nested children, a list, a map, an
     * array, a shared module, a shared tensor, persistent and non-persistent buffers.
     */
    static class Net extends Base {
        @Layer Toy embed = new Toy(4, 8);
        @Layer List<Block> blocks = new ArrayList<>(List.of(new Block(8), new Block(8)));
        @Param Tensor gate = Tensor.ones(8).requiresGrad(true);
        @Buffer Tensor steps = Tensor.zeros(1);
        @Buffer(persistent = false) Tensor cache = Tensor.zeros(2);
        @Layer Toy head = new Toy(8, 4);
        @Layer Toy again = blocks.get(1).fc;
        @Layer Map<String, Toy> heads = new LinkedHashMap<>();
        @Layer Toy[] extras = {new Toy(4, 2), null, new Toy(4, 3)};

        Net() {
            heads.put("a", new Toy(4, 4));
            heads.put("b", new Toy(4, 4));
            heads.get("b").weight = heads.get("a").weight;
        }

        @Forward
        Tensor forward(Tensor x) {
            Tensor h = embed.forward(x).mul(gate);
            for (Block b : blocks) {
                h = b.apply(h);
            }
            return head.forward(h).mul(scale);
        }
    }

    /** A subclass that adds a field and inherits @Forward. */
    static class WiderNet extends Net {
        @Param Tensor extra = Tensor.zeros(3);
    }

    /** A subclass that declares nothing: it has no generated class and uses Net's. */
    static class PlainNet extends Net {
        PlainNet() {
            super();
        }
    }

    /** A generic wrapper. */
    static class Residual<M extends Module> extends Module {
        @Layer M inner;

        Residual(M inner) {
            this.inner = inner;
        }

        @Forward
        public Tensor forward(Tensor x) {
            return x.add(inner.apply(x));
        }
    }

    /** Hyperparameters, varargs and a non-tensor result. */
    static class Mixer extends Module {
        record Out(Tensor sum, int count) {}

        @Forward
        Out forward(Tensor first, double scale, String mode, int times, Tensor... rest) {
            Tensor out = first.mul(scale * times);
            for (Tensor t : rest) {
                out = out.add(t);
            }
            return new Out(mode.equals("neg") ? out.mul(-1) : out, rest.length + 1);
        }
    }

    /** A forward that returns several tensors. */
    static class Split extends Module {
        @Forward
        List<Tensor> forward(Tensor x) {
            return List.of(x, x);
        }
    }

    /** Like PyTorch's nn.Sequential: its elements are its children "0", "1", ... */
    static class Seq extends Module {
        @Layer(inline = true) List<Module> layers = new ArrayList<>();
        @Param Tensor extra = Tensor.zeros(1);

        Seq(Module... layers) {
            this.layers.addAll(List.of(layers));
        }

        @Forward
        Tensor forward(Tensor x) {
            for (Module m : layers) {
                x = m.apply(x);
            }
            return x;
        }
    }

    /** A module with no parameters but a forward (an activation). */
    static class Relu extends Module {
        @Forward
        Tensor forward(Tensor x) {
            return x.relu();
        }
    }

    /** A Module subclass with no Kiln annotations at all: no generated class, no warning. */
    static class Unannotated extends Module {
        Tensor notAParameter = Tensor.zeros(2);
    }

    /** A module whose child is itself, for cycle detection. */
    static class Loop extends Module {
        @Layer Module self;

        Loop() {
            self = this;
        }

        @Forward
        Tensor forward(Tensor x) {
            return x;
        }
    }
}
