package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * The regression and binary losses, and NLL: element-wise formulas composed from the primitive ops,
 * except the two binary cross-entropies, whose forward and backward are written out for stability
 * (clamped logarithms; log-sum-exp for logits). Class weights and {@code posWeight} are constants.
 */
final class Losses {
    private Losses() {}

    static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("mseLoss", input, target);
        Tensor d = input.sub(target);
        return reduce(d.mul(d), reduction);
    }

    static Tensor l1(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /** Quadratic below {@code beta} ({@code 0.5 d^2 / beta}), linear above ({@code |d| - 0.5 beta}); L1 for beta 0. */
    static Tensor smoothL1(Tensor input, Tensor target, Reduction reduction, double beta) {
        checkSameShape("smoothL1Loss", input, target);
        if (!(beta >= 0)) {
            throw new ShapeException("smoothL1Loss: beta must be >= 0, got " + beta);
        }
        Tensor d = input.sub(target);
        Tensor abs = d.abs();
        if (beta == 0) {
            return reduce(abs, reduction);
        }
        Tensor quadratic = d.mul(d).mul(0.5 / beta);
        Tensor linear = abs.sub(0.5 * beta);
        return reduce(Ops.where(Ops.lt(abs, Tensor.scalar(abs.dtype(), beta)), quadratic, linear), reduction);
    }

    /**
     * Negative log-likelihood of log-probabilities {@code [N, C]} ({@code [C]}, or {@code [N, C, d1, ...]})
     * at class indices {@code [N]} ({@code []}, {@code [N, d1, ...]}); the mean divides by the total
     * weight of the targets that are not ignored, as PyTorch does.
     */
    static Tensor nll(Tensor logProbs, Tensor target, Tensor weight, int ignoreIndex, Reduction reduction) {
        String op = "nllLoss";
        ClassRows rows = ClassRows.of(op, logProbs);
        long[] t = rows.classIndices(op, target, ignoreIndex);
        double[] w = rows.classWeights(op, weight);
        int m = t.length;
        long[] safe = new long[m];
        double[] picked = new double[m];
        double total = 0;
        for (int r = 0; r < m; r++) {
            boolean ignored = t[r] == ignoreIndex;
            safe[r] = ignored ? 0 : t[r];
            picked[r] = ignored ? 0 : w == null ? 1 : w[(int) t[r]];
            total += picked[r];
        }
        Tensor chosen = rows.matrix().gather(1, Tensor.of(safe, m, 1)).reshape(m);
        Tensor loss = chosen.mul(Tensor.of(picked, m).to(chosen.dtype())).neg();
        return switch (reduction) {
            case NONE -> loss.reshape(rows.batchShape());
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(total);
        };
    }

    /**
     * Binary cross-entropy of probabilities: {@code -w (y log p + (1 - y) log(1 - p))}, each log clamped
     * at -100 as in PyTorch, so p = 0 or 1 gives a finite loss and gradient.
     */
    static Tensor bce(Tensor p, Tensor y, Tensor weight, Reduction reduction) {
        String op = "binaryCrossEntropy";
        checkSameShape(op, p, y);
        for (double v : p.toDoubleArray()) {
            if (!(v >= 0 && v <= 1)) {
                throw new ShapeException(op + ": every input must be a probability in [0, 1], found " + v
                        + "; use binaryCrossEntropyWithLogits for raw scores");
            }
        }
        Tensor w = constant(op, weight, p);
        Tensor loss;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            loss = weighted(y.mul(clampedLog(p)).add(Ops.sub(1, y).mul(clampedLog(Ops.sub(1, p)))).neg(), w);
        }
        if (Autograd.needsGrad(p, y)) {
            Autograd.record(loss, new Node(op, p, y) {
                final SavedTensor savedP = save(p);
                final SavedTensor savedY = save(y);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor pv = savedP.get();
                    Tensor yv = savedY.get();
                    Tensor gp = null;
                    Tensor gy = null;
                    if (needsGrad(0)) {
                        // d/dp = (p - y) / (p (1 - p)), the denominator kept >= 1e-12 like PyTorch's.
                        Tensor denom = Ops.maximum(pv.mul(Ops.sub(1, pv)), Tensor.scalar(pv.dtype(), 1e-12));
                        gp = weighted(g.mul(pv.sub(yv)).div(denom), w);
                    }
                    if (needsGrad(1)) {
                        gy = weighted(g.mul(clampedLog(Ops.sub(1, pv)).sub(clampedLog(pv))), w);
                    }
                    return new Tensor[] {gp, gy};
                }
            });
        }
        return reduce(loss, reduction);
    }

    /**
     * Binary cross-entropy of logits, {@code -w (pw y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))},
     * computed without exponentials that could overflow: {@code (1 - y) x + (1 + (pw - 1) y) softplus(-x)}.
     */
    static Tensor bceWithLogits(Tensor x, Tensor y, Tensor weight, Tensor posWeight, Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        checkSameShape(op, x, y);
        Tensor w = constant(op, weight, x);
        Tensor pw = constant(op, posWeight, x);
        Tensor loss;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor logWeight = pw == null ? null : pw.sub(1).mul(y).add(1);
            loss = weighted(Ops.sub(1, y).mul(x).add(weighted(softplus(x.neg()), logWeight)), w);
        }
        if (Autograd.needsGrad(x, y)) {
            Autograd.record(loss, new Node(op, x, y) {
                final SavedTensor savedX = save(x);
                final SavedTensor savedY = save(y);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor xv = savedX.get();
                    Tensor yv = savedY.get();
                    Tensor gx = null;
                    Tensor gy = null;
                    if (needsGrad(0)) {
                        // d/dx = (pw y + 1 - y) sigmoid(x) - pw y
                        Tensor s = xv.sigmoid();
                        Tensor d = pw == null ? s.sub(yv) : pw.mul(yv).add(Ops.sub(1, yv)).mul(s).sub(pw.mul(yv));
                        gx = weighted(g.mul(d), w);
                    }
                    if (needsGrad(1)) {
                        // d/dy = pw softplus(-x) - softplus(x)
                        Tensor neg = softplus(xv.neg());
                        gy = weighted(g.mul((pw == null ? neg : pw.mul(neg)).sub(softplus(xv))), w);
                    }
                    return new Tensor[] {gx, gy};
                }
            });
        }
        return reduce(loss, reduction);
    }

    /** log(1 + e^x) without overflow: max(x, 0) + log(1 + e^-|x|). */
    private static Tensor softplus(Tensor x) {
        return x.relu().add(x.abs().neg().exp().add(1).log());
    }

    private static Tensor clampedLog(Tensor p) {
        return Ops.maximum(p.log(), Tensor.scalar(p.dtype(), -100));
    }

    private static Tensor weighted(Tensor t, Tensor w) {
        return w == null ? t : t.mul(w);
    }

    /** A weight as a constant of the input's dtype, checked to broadcast to the input's shape. */
    private static Tensor constant(String op, Tensor weight, Tensor input) {
        if (weight == null) {
            return null;
        }
        if (!Shapes.broadcastsTo(weight.shape(), input.shape())) {
            throw new ShapeException(op + ": weight of shape " + Shapes.str(weight.shape())
                    + " does not broadcast to the input's shape " + Shapes.str(input.shape()));
        }
        return weight.detach().to(input.dtype());
    }

    static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
        };
    }

    /** Input and target must match exactly: a broadcast here ([N, 1] against [N]) is almost always a bug. */
    private static void checkSameShape(String op, Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(input.shape()) + " and target of shape "
                    + Shapes.str(target.shape()) + " must have the same shape");
        }
        if (!input.dtype().isFloating() || !target.dtype().isFloating()) {
            throw new ShapeException(op + ": input and target must be floating, got " + input.dtype() + " and "
                    + target.dtype());
        }
    }
}
