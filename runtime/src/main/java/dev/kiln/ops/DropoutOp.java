package dev.kiln.ops;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Storage;
import dev.kiln.tensor.Tensor;

/**
 * Inverted dropout: in training, each element is zeroed with probability p and the survivors are
 * scaled by 1/(1-p), so evaluation needs no rescaling. The mask is drawn from a seeded
 * {@link Generator}; the backward is the multiplication's (the gradient is masked and scaled alike).
 */
final class DropoutOp {
    private DropoutOp() {}

    static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        if (!(p >= 0 && p <= 1)) {
            throw new ShapeException("dropout: probability must be between 0 and 1, got " + p);
        }
        if (!x.dtype().isFloating()) {
            throw new ShapeException("dropout: needs a floating input, got " + x.dtype());
        }
        if (!training || p == 0) {
            return x;
        }
        return x.mul(mask(x, p, generator));
    }

    /** 0 with probability p, else 1/(1-p) (all zeros for p = 1), in x's shape and dtype. */
    private static Tensor mask(Tensor x, double p, Generator generator) {
        int n = x.numel();
        Storage storage = Storage.allocate(x.dtype(), n);
        double keep = p == 1 ? 0 : 1 / (1 - p);
        for (int i = 0; i < n; i++) {
            storage.setDouble(i, generator.nextDouble() < p ? 0 : keep);
        }
        int[] shape = x.shape();
        return new Tensor(storage, shape, dev.kiln.tensor.Shapes.contiguousStrides(shape), 0, x.device());
    }
}
