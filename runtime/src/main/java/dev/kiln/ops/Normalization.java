package dev.kiln.ops;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * Batch and layer normalization, composed from the primitive ops (so their backward, including the
 * gradient through the batch statistics, is the composition's).
 */
final class Normalization {
    private Normalization() {}

    /**
     * Batch normalization over every dimension but 1 (channels) of {@code x} ({@code [N, C]},
     * {@code [N, C, L]} or {@code [N, C, H, W]}). In training (or without running statistics) it uses
     * the batch's mean and biased variance and, when running statistics are given, updates them in
     * place: {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased variance.
     * Otherwise it uses the running statistics.
     */
    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        String op = "batchNorm";
        if (x.dim() < 2) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(x.shape())
                    + " must have at least 2 dimensions [N, C, ...]");
        }
        int c = x.size(1);
        checkVector(op, "running_mean", runningMean, c);
        checkVector(op, "running_var", runningVar, c);
        checkVector(op, "weight", weight, c);
        checkVector(op, "bias", bias, c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new ShapeException(op + ": running_mean and running_var must be given together");
        }
        int[] dims = new int[x.dim() - 1];
        dims[0] = 0;
        for (int d = 2; d < x.dim(); d++) {
            dims[d - 1] = d;
        }
        int[] statShape = new int[x.dim()];
        Arrays.fill(statShape, 1);
        statShape[1] = c;
        Tensor mean;
        Tensor var;
        if (training || runningMean == null) {
            int count = x.numel() / Math.max(c, 1);
            if (training && count <= 1) {
                throw new ShapeException(op + ": expected more than 1 value per channel when training, got input of "
                        + "shape " + Shapes.str(x.shape()));
            }
            mean = x.mean(dims, true);
            Tensor centered = x.sub(mean);
            var = centered.mul(centered).mean(dims, true);
            if (training && runningMean != null) {
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    Tensor batchMean = mean.detach().reshape(c).to(runningMean.dtype());
                    Tensor unbiased = var.detach().reshape(c).mul((double) count / (count - 1)).to(runningVar.dtype());
                    runningMean.copyFrom(runningMean.mul(1 - momentum).add(batchMean.mul(momentum)));
                    runningVar.copyFrom(runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
                }
            }
        } else {
            mean = runningMean.detach().reshape(statShape).to(x.dtype());
            var = runningVar.detach().reshape(statShape).to(x.dtype());
        }
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight.reshape(statShape));
        }
        if (bias != null) {
            y = y.add(bias.reshape(statShape));
        }
        return y;
    }

    /**
     * Layer normalization over the last {@code normalizedShape.length} dimensions of {@code x}, which
     * must equal {@code normalizedShape}; weight and bias, when given, have that shape.
     */
    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        int k = normalizedShape.length;
        int[] xs = x.shape();
        if (k == 0 || k > xs.length
                || !Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), normalizedShape)) {
            throw new ShapeException(op + ": input of shape " + Shapes.str(xs) + " must end in the normalized shape "
                    + Shapes.str(normalizedShape));
        }
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && !t.hasShape(normalizedShape)) {
                throw new ShapeException(op + ": " + (t == weight ? "weight" : "bias") + " of shape "
                        + Shapes.str(t.shape()) + " must have the normalized shape " + Shapes.str(normalizedShape));
            }
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = xs.length - k + i;
        }
        Tensor centered = x.sub(x.mean(dims, true));
        Tensor var = centered.mul(centered).mean(dims, true);
        Tensor y = centered.div(var.add(eps).sqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        if (bias != null) {
            y = y.add(bias);
        }
        return y;
    }

    private static void checkVector(String op, String name, Tensor t, int c) {
        if (t != null && !t.hasShape(c)) {
            throw new ShapeException(op + ": " + name + " of shape " + Shapes.str(t.shape()) + " must be [" + c
                    + "], one value per channel of the input");
        }
    }
}
