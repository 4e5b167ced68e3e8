package dev.kiln.ops;

import dev.kiln.annotations.spec.GenerateDerivatives;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * The helpers that the derivative table's formulas call ({@code sumTo}, {@code positive}, ...); the
 * processor writes {@link Derivatives} next to this class from the table. Each helper is written in
 * differentiable tensor ops, except the step functions, which have no useful derivative.
 */
@GenerateDerivatives
public final class DerivativeSupport {
    private DerivativeSupport() {}

    /** {@code g} summed over the dimensions that broadcasting added or stretched, to {@code shape}. */
    public static Tensor sumTo(Tensor g, int[] shape) {
        return ShapeOps.sumTo(g, shape);
    }

    /** 1 where {@code x > 0}, else 0, outside the graph. */
    public static Tensor positive(Tensor x) {
        return Elementwise.positive(x);
    }

    /** {@code g} where {@code out > 0}, else 0: ReLU's backward from its output, in one pass. */
    public static Tensor reluBackward(Tensor g, Tensor out) {
        return Elementwise.reluBackward(g, out);
    }

    /** {@code 1 - x}. */
    public static Tensor oneMinus(Tensor x) {
        return Arithmetic.rsubScalar(1, x);
    }

    /** {@code t} as a matrix of rows {@code [prod(leading), last]}. */
    public static Tensor rows(Tensor t) {
        return t.dim() == 2 ? t : t.reshape(-1, t.size(-1));
    }

    /**
     * The gradient of a reduction over {@code dims} (all of them when empty) of a tensor of shape
     * {@code inShape}: {@code g} with the reduced dimensions put back as 1 and expanded.
     */
    public static Tensor unreduce(Tensor g, int[] inShape, int[] dims, boolean keepDim) {
        boolean[] mask = Shapes.dimMask("sum", dims, inShape.length);
        int[] kept = inShape.clone();
        for (int d = 0; d < kept.length; d++) {
            if (mask[d]) {
                kept[d] = 1;
            }
        }
        return g.reshape(kept).expand(inShape);
    }

    /** How many elements a reduction over {@code dims} (all when null or empty) of {@code shape} combines. */
    public static int count(int[] shape, int[] dims) {
        boolean[] mask = Shapes.dimMask("mean", dims == null ? new int[0] : dims, shape.length);
        int n = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                n *= shape[d];
            }
        }
        return n;
    }

    /** The permutation that undoes {@code order} (negative dimensions allowed). */
    public static int[] inversePermutation(int[] order) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[Shapes.dim("permute", order[i], order.length)] = i;
        }
        return inverse;
    }
}
