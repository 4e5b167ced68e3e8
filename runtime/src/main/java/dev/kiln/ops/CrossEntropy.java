package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy from logits, as PyTorch's {@code F.cross_entropy}: class indices (with an ignored
 * index) or class probabilities as targets, class weights, label smoothing and the three reductions.
 *
 * <p>Fused: one pass per row computes the log-sum-exp in double precision and the loss; the backward
 * is {@code (A_r softmax(x_r) - a_r) * scale_r}, where {@code a_r} is the row's target coefficients
 * (the weighted, smoothed target distribution) and {@code A_r} their sum. That is both faster than
 * log-softmax followed by NLL and exact where the two-step form loses digits. Every row's loss is
 * {@code sum_c a_rc (lse_r - x_rc)}.
 */
final class CrossEntropy {
    private CrossEntropy() {}

    static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, int ignoreIndex, double smoothing,
            Reduction reduction) {
        String op = "crossEntropy";
        if (!(smoothing >= 0 && smoothing <= 1)) {
            throw new ShapeException(op + ": label smoothing must be between 0 and 1, got " + smoothing);
        }
        ClassRows rows = ClassRows.of(op, input);
        double[] w = rows.classWeights(op, weight);
        Targets targets;
        if (target.dtype().isFloating()) {
            if (!Arrays.equals(target.shape(), input.shape())) {
                throw new ShapeException(op + ": probability targets of shape " + Shapes.str(target.shape())
                        + " must have the input's shape " + Shapes.str(input.shape())
                        + " (pass INT64 class indices of shape " + Shapes.str(rows.batchShape()) + " otherwise)");
            }
            Tensor q = ClassRows.moveClassesLast(target);
            if (Autograd.needsGrad(target)) {
                return composed(rows, q, w, smoothing, reduction);
            }
            targets = Targets.probabilities(q.toDoubleArray(), rows.classes());
        } else {
            targets = Targets.indices(rows.classIndices(op, target, ignoreIndex), ignoreIndex);
        }
        Tensor loss = fused(rows.matrix(), targets, w, smoothing, reduction);
        return reduction == Reduction.NONE ? loss.reshape(rows.batchShape()) : loss;
    }

    /** The fused op on {@code x = [M, C]}: the reduced loss, or {@code [M]} losses for NONE. */
    private static Tensor fused(Tensor x, Targets targets, double[] w, double smoothing, Reduction reduction) {
        int m = x.size(0);
        int c = x.size(1);
        Tensor dense = Convolution.dense(x);
        Object xa = ConvKernels.array(dense);
        int xo = dense.offset();
        Coefficients coef = new Coefficients(targets, w, smoothing, c);
        double[] lse = new double[m];
        double[] losses = new double[m];
        Parallel.forRange(m, 8L * c, (r0, r1) -> {
            double[] row = new double[c];
            for (int r = r0; r < r1; r++) {
                read(xa, xo + r * c, row);
                lse[r] = logSumExp(row);
                losses[r] = coef.loss(r, row, lse[r]);
            }
        });
        double denominator = targets.isIndices() ? coef.totalTargetWeight() : m;
        Tensor out;
        if (reduction == Reduction.NONE) {
            out = Tensor.of(losses, m).to(x.dtype());
        } else {
            double total = 0;
            for (double l : losses) {
                total += l;
            }
            out = Tensor.scalar(x.dtype(), reduction == Reduction.MEAN ? total / denominator : total);
        }
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("crossEntropy", x) {
                final SavedTensor savedX = save(dense);

                @Override
                protected Tensor[] backward(Tensor g) {
                    double scale = reduction == Reduction.MEAN ? 1 / denominator : 1;
                    if (GradMode.isEnabled()) {
                        return new Tensor[] {differentiableGrad(savedX.get(), g, coef, reduction, scale)};
                    }
                    return new Tensor[] {grad(savedX.get(), lse, g, coef, reduction, scale)};
                }
            });
        }
        return out;
    }

    /** dL/dx in one pass: {@code scale_r (A_r exp(x - lse_r) - a_r)}. */
    private static Tensor grad(Tensor x, double[] lse, Tensor g, Coefficients coef, Reduction reduction,
            double scale) {
        int m = x.size(0);
        int c = x.size(1);
        double[] gs = g.toDoubleArray();
        Tensor gx = Tensor.zeros(x.dtype(), m, c);
        Object xa = ConvKernels.array(x);
        Object ga = ConvKernels.array(gx);
        int xo = x.offset();
        Parallel.forRange(m, 8L * c, (r0, r1) -> {
            double[] row = new double[c];
            double[] a = new double[c];
            for (int r = r0; r < r1; r++) {
                double s = (reduction == Reduction.NONE ? gs[r] : gs[0]) * scale;
                double total = coef.row(r, a);
                if (total == 0 || s == 0) {
                    continue;
                }
                read(xa, xo + r * c, row);
                for (int k = 0; k < c; k++) {
                    row[k] = s * (total * Math.exp(row[k] - lse[r]) - a[k]);
                }
                write(row, ga, r * c);
            }
        });
        return gx;
    }

    /** The same gradient in differentiable ops, for a backward that is itself recorded ({@code createGraph}). */
    private static Tensor differentiableGrad(Tensor x, Tensor g, Coefficients coef, Reduction reduction,
            double scale) {
        int m = x.size(0);
        int c = x.size(1);
        double[] a = new double[m * c];
        double[] totals = new double[m];
        double[] row = new double[c];
        for (int r = 0; r < m; r++) {
            totals[r] = coef.row(r, row);
            System.arraycopy(row, 0, a, r * c, c);
        }
        Tensor p = Ops.softmax(x, 1);
        Tensor d = p.mul(Tensor.of(totals, m, 1).to(x.dtype())).sub(Tensor.of(a, m, c).to(x.dtype()));
        Tensor s = reduction == Reduction.NONE ? g.reshape(m, 1) : g;
        return d.mul(s).mul(scale);
    }

    /** The loss through log-softmax, for probability targets that themselves require a gradient. */
    private static Tensor composed(ClassRows rows, Tensor q, double[] w, double smoothing, Reduction reduction) {
        int c = rows.classes();
        Tensor logp = Ops.logSoftmax(rows.matrix(), 1);
        Tensor coef = q.mul(1 - smoothing).add(smoothing / c);
        if (w != null) {
            coef = coef.mul(Tensor.of(w, 1, c).to(coef.dtype()));
        }
        Tensor loss = coef.mul(logp).sum(1, false).neg();
        return switch (reduction) {
            case NONE -> loss.reshape(rows.batchShape());
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
        };
    }

    private static double logSumExp(double[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : row) {
            max = Math.max(max, v);
        }
        if (Double.isInfinite(max)) {
            // All -inf (or a +inf): the shifted form would compute inf - inf.
            return max;
        }
        double sum = 0;
        for (double v : row) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static void read(Object src, int from, double[] row) {
        if (src instanceof float[] f) {
            for (int k = 0; k < row.length; k++) {
                row[k] = f[from + k];
            }
        } else {
            System.arraycopy(src, from, row, 0, row.length);
        }
    }

    private static void write(double[] row, Object dst, int from) {
        if (dst instanceof float[] f) {
            for (int k = 0; k < row.length; k++) {
                f[from + k] = (float) row[k];
            }
        } else {
            System.arraycopy(row, 0, dst, from, row.length);
        }
    }

    /** The targets of every row: class indices (with the ignored index) or a probability matrix. */
    private record Targets(long[] indices, long ignoreIndex, double[] probabilities, int classes) {
        static Targets indices(long[] indices, long ignoreIndex) {
            return new Targets(indices, ignoreIndex, null, 0);
        }

        static Targets probabilities(double[] probabilities, int classes) {
            return new Targets(null, 0, probabilities, classes);
        }

        boolean isIndices() {
            return indices != null;
        }
    }

    /**
     * The coefficients {@code a_rc} each row's loss puts on {@code lse_r - x_rc}: for a class index y,
     * {@code (1 - eps) w_y [c = y] + eps w_c / C}; for probabilities q, {@code w_c ((1 - eps) q_c + eps / C)};
     * zero for an ignored row.
     */
    private static final class Coefficients {
        private final Targets targets;
        private final double[] w;
        private final double eps;
        private final int c;
        private final double weightSum;

        Coefficients(Targets targets, double[] w, double eps, int c) {
            this.targets = targets;
            this.w = w;
            this.eps = eps;
            this.c = c;
            double s = c;
            if (w != null) {
                s = 0;
                for (double v : w) {
                    s += v;
                }
            }
            this.weightSum = s;
        }

        private double weight(int k) {
            return w == null ? 1 : w[k];
        }

        /** The mean's denominator for index targets: the summed weight of the classes of the rows not ignored. */
        double totalTargetWeight() {
            double total = 0;
            for (long t : targets.indices()) {
                if (t != targets.ignoreIndex()) {
                    total += weight((int) t);
                }
            }
            return total;
        }

        /** The loss of row r, given its logits and log-sum-exp. */
        double loss(int r, double[] x, double lse) {
            if (targets.isIndices()) {
                long t = targets.indices()[r];
                if (t == targets.ignoreIndex()) {
                    return 0;
                }
                double loss = (1 - eps) * weight((int) t) * (lse - x[(int) t]);
                if (eps > 0) {
                    double smooth = 0;
                    for (int k = 0; k < c; k++) {
                        smooth += weight(k) * (lse - x[k]);
                    }
                    loss += eps / c * smooth;
                }
                return loss;
            }
            double loss = 0;
            for (int k = 0; k < c; k++) {
                double a = weight(k) * ((1 - eps) * targets.probabilities()[r * c + k] + eps / c);
                if (a != 0) {
                    loss += a * (lse - x[k]);
                }
            }
            return loss;
        }

        /** Writes row r's coefficients into {@code a} and returns their sum. */
        double row(int r, double[] a) {
            if (targets.isIndices()) {
                long t = targets.indices()[r];
                if (t == targets.ignoreIndex()) {
                    Arrays.fill(a, 0);
                    return 0;
                }
                for (int k = 0; k < c; k++) {
                    a[k] = eps / c * weight(k);
                }
                a[(int) t] += (1 - eps) * weight((int) t);
                return (1 - eps) * weight((int) t) + eps / c * weightSum;
            }
            double total = 0;
            for (int k = 0; k < c; k++) {
                a[k] = weight(k) * ((1 - eps) * targets.probabilities()[r * c + k] + eps / c);
                total += a[k];
            }
            return total;
        }
    }
}
