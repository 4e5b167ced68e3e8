package dev.kiln.optim;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, as PyTorch's {@code clip_grad_norm_} and {@code clip_grad_value_}: call it
 * between {@code backward()} and {@code step()}.
 *
 * <p>Parameters without a gradient are skipped. A clipped gradient is replaced by a new tensor
 * ({@code p.setGrad(...)}) rather than written in place, because a gradient tensor may be shared
 * with other parameters or with the graph; a gradient that needs no change is left as it is.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 */
public final class GradClip {
    private GradClip() {}

    /** Scales the gradients so that their overall 2-norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0, false);
    }

    /** Scales the gradients so that their overall {@code normType}-norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
     * {@code normType}-norm of all gradients together (the norm of the per-tensor norms;
     * {@code Double.POSITIVE_INFINITY} for the largest magnitude). Returns {@code total}. With a NaN
     * or infinite total the gradients are scaled by a NaN or zero factor, as in PyTorch, unless
     * {@code errorIfNonfinite} is set, which throws instead and leaves them alone.
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        HyperparameterCheck.nonNegative("clipGradNorm", "max_norm", maxNorm);
        if (Double.isNaN(normType)) {
            throw new IllegalArgumentException("clipGradNorm: norm_type must be a number or +-infinity, got NaN");
        }
        List<Tensor> withGrad = new ArrayList<>();
        for (Tensor p : params) {
            if (p.grad() != null) {
                withGrad.add(p);
            }
        }
        if (withGrad.isEmpty()) {
            return 0;
        }
        double[] norms = new double[withGrad.size()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = norm(withGrad.get(i).grad().toDoubleArray(), normType);
        }
        double total = norm(norms, normType);
        if (errorIfNonfinite && !Double.isFinite(total)) {
            throw new IllegalStateException("clipGradNorm: the total norm of order " + normType
                    + " of the gradients is " + total + ", so they cannot be clipped; pass errorIfNonfinite=false "
                    + "to scale them by the non-finite norm anyway");
        }
        double coef = maxNorm / (total + 1e-6);
        // Scaling by 1 changes nothing; NaN must still propagate, as in PyTorch.
        if (!(coef >= 1)) {
            try (var scope = GradMode.noGrad()) {
                for (Tensor p : withGrad) {
                    p.setGrad(p.grad().mul(coef));
                }
            }
        }
        return total;
    }

    /** Clamps every gradient element to [-clipValue, clipValue] (NaN stays NaN). */
    public static void clipGradValue(Iterable<Tensor> params, double clipValue) {
        HyperparameterCheck.nonNegative("clipGradValue", "clip_value", clipValue);
        try (var scope = GradMode.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                Tensor clipped = g.copy();
                int n = clipped.numel();
                if (clipped.dtype() == DType.FLOAT32) {
                    float[] a = clipped.storage().floats();
                    float c = (float) clipValue;
                    for (int i = 0; i < n; i++) {
                        a[i] = a[i] > c ? c : a[i] < -c ? -c : a[i];
                    }
                } else {
                    double[] a = clipped.storage().doubles();
                    for (int i = 0; i < n; i++) {
                        a[i] = a[i] > clipValue ? clipValue : a[i] < -clipValue ? -clipValue : a[i];
                    }
                }
                p.setGrad(clipped);
            }
        }
    }

    /** The p-norm of a vector, with torch.linalg.vector_norm's meaning of p = 0 and +-infinity. */
    static double norm(double[] x, double p) {
        if (p == Double.POSITIVE_INFINITY) {
            double m = x.length == 0 ? 0 : Double.NEGATIVE_INFINITY;
            for (double v : x) {
                m = Double.isNaN(v) || Double.isNaN(m) ? Double.NaN : Math.max(m, Math.abs(v));
            }
            return m;
        }
        if (p == Double.NEGATIVE_INFINITY) {
            double m = Double.POSITIVE_INFINITY;
            for (double v : x) {
                m = Double.isNaN(v) || Double.isNaN(m) ? Double.NaN : Math.min(m, Math.abs(v));
            }
            return m;
        }
        if (p == 0) {
            double count = 0;
            for (double v : x) {
                count += v != 0 ? 1 : 0;
            }
            return count;
        }
        double sum = 0;
        for (double v : x) {
            double a = Math.abs(v);
            sum += p == 1 ? a : p == 2 ? a * a : Math.pow(a, p);
        }
        return p == 1 ? sum : p == 2 ? Math.sqrt(sum) : Math.pow(sum, 1 / p);
    }
}
