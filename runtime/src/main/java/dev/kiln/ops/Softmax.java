package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/** softmax and log-softmax along one dimension: computed stably, each with a one-node backward. */
final class Softmax {
    private Softmax() {}

    static Tensor softmax(Tensor x, int dim) {
        Kernels.requireArgs("softmax", x);
        int d = Shapes.dim("softmax", dim, x.dim());
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            // An empty tensor has no maximum to subtract, and nothing to normalize.
            Tensor shifted = x.numel() == 0 ? x : x.sub(x.max(d, true));
            Tensor e = shifted.exp();
            out = e.div(e.sum(d, true));
        }
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("softmax", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    // dx = y * (g - sum(g * y))
                    return new Tensor[] {Derivatives.softmaxGradX(g, d, savedOut.get())};
                }
            });
        }
        return out;
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        Kernels.requireArgs("logSoftmax", x);
        int d = Shapes.dim("logSoftmax", dim, x.dim());
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor shifted = x.numel() == 0 ? x : x.sub(x.max(d, true));
            out = shifted.sub(shifted.exp().sum(d, true).log());
        }
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("logSoftmax", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    // dx = g - softmax(x) * sum(g)
                    return new Tensor[] {Derivatives.logSoftmaxGradX(g, d, savedOut.get())};
                }
            });
        }
        return out;
    }
}
