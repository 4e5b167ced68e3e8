package dev.kiln.nn;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;

/** Processed test modules that classes in other packages (and class loaders) may extend. */
public final class ModuleTestPublicModels {
    private ModuleTestPublicModels() {}

    /** A processed module with a buffer, a parameter, a layer and a @Forward. */
    public static class Block extends Module {
        @Buffer Tensor runningMean = Tensor.zeros(2);
        @Layer Relu act = new Relu();
        @Param Tensor weight = Tensor.ones(2, 2).requiresGrad(true);

        /** A 2x2 block. */
        public Block() {}

        /** x times the weight. */
        @Forward
        public Tensor forward(Tensor x) {
            return x.matmul(weight);
        }
    }

    /** A processed activation. */
    public static class Relu extends Module {
        /** A ReLU. */
        public Relu() {}

        /** max(x, 0). */
        @Forward
        public Tensor forward(Tensor x) {
            return x.relu();
        }
    }
}
