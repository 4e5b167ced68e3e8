package dev.kiln.optim;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam update of one parameter, as PyTorch's single-tensor implementation computes it, in one
 * fused pass over the parameter, its gradient and its moments:
 *
 * <pre>
 * t += 1
 * g  = (maximize ? -grad : grad) + (coupled ? weight_decay * p : 0)
 * m  = beta1 * m + (1 - beta1) * g
 * v  = beta2 * v + (1 - beta2) * g^2
 * vmax = max(vmax, v)                                             (AMSGrad)
 * p  = p * (decoupled ? 1 - lr * weight_decay : 1)
 *        - lr / (1 - beta1^t) * m / (sqrt(v or vmax) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Adam couples the weight decay to the gradient; AdamW decouples it (Loshchilov and Hutter). The
 * float32 loop uses the Vector API (C2 does not vectorize it by itself); float64 takes a plain loop.
 */
final class AdamUpdate {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Work per element in {@link Parallel}'s units: a dozen vector operations, a square root and a division. */
    private static final long COST_PER_ELEMENT = 4;

    private AdamUpdate() {}

    static void apply(Tensor p, Tensor g, AdamState s, AdamOptions<?> o, boolean decoupled) {
        s.step++;
        double lr = o.lr();
        double wd = o.weightDecay();
        double beta1 = o.beta1();
        double beta2 = o.beta2();
        double stepSize = lr / (1 - Math.pow(beta1, s.step));
        double invBc2Sqrt = 1 / Math.sqrt(1 - Math.pow(beta2, s.step));
        double sign = o.maximize() ? -1 : 1;
        double coupledWd = decoupled ? 0 : wd;
        double decay = decoupled ? 1 - lr * wd : 1;
        if (o.amsgrad() && s.maxExpAvgSq == null) {
            s.maxExpAvgSq = Tensor.zeros(p.dtype(), p.shape());
        }
        int n = p.numel();
        if (p.dtype() == DType.FLOAT32) {
            float[] pf = p.storage().floats();
            float[] gf = g.storage().floats();
            float[] m = s.expAvg.storage().floats();
            float[] v = s.expAvgSq.storage().floats();
            float[] vmax = o.amsgrad() ? s.maxExpAvgSq.storage().floats() : null;
            // Every element is independent, so the halves of a large weight are updated on two cores
            // with the same result, bit for bit, as one pass.
            Parallel.forRange(n, COST_PER_ELEMENT, (start, end) -> updateFloat(pf, p.offset(), gf, g.offset(), m, v,
                    vmax, start, end, (float) sign, (float) coupledWd, (float) decay, (float) beta1, (float) beta2,
                    (float) stepSize, (float) invBc2Sqrt, (float) o.eps()));
        } else {
            updateDouble(p.storage().doubles(), p.offset(), g.storage().doubles(), g.offset(),
                    s.expAvg.storage().doubles(), s.expAvgSq.storage().doubles(),
                    o.amsgrad() ? s.maxExpAvgSq.storage().doubles() : null, n,
                    sign, coupledWd, decay, beta1, beta2, stepSize, invBc2Sqrt, o.eps());
        }
    }

    /** Elements [start, end) of one parameter (its moments start at index 0, the parameter at po, the gradient at go). */
    private static void updateFloat(float[] p, int po, float[] g, int go, float[] m, float[] v, float[] vmax,
            int start, int end, float sign, float wd, float decay, float beta1, float beta2, float stepSize,
            float invBc2Sqrt, float eps) {
        float omb1 = 1 - beta1;
        float omb2 = 1 - beta2;
        int i = start;
        for (int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            FloatVector gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(wd));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(gv.mul(omb1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(omb2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            if (vmax != null) {
                vv = FloatVector.fromArray(S, vmax, i).max(vv);
                vv.intoArray(vmax, i);
            }
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).mul(invBc2Sqrt).add(eps);
            pv.mul(decay).sub(mv.mul(stepSize).div(denom)).intoArray(p, po + i);
        }
        for (; i < end; i++) {
            float pi = p[po + i];
            float gi = sign * g[go + i] + wd * pi;
            float mi = beta1 * m[i] + omb1 * gi;
            float vi = beta2 * v[i] + omb2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            if (vmax != null) {
                vi = Math.max(vmax[i], vi);
                vmax[i] = vi;
            }
            p[po + i] = decay * pi - stepSize * mi / ((float) Math.sqrt(vi) * invBc2Sqrt + eps);
        }
    }

    private static void updateDouble(double[] p, int po, double[] g, int go, double[] m, double[] v, double[] vmax,
            int n, double sign, double wd, double decay, double beta1, double beta2, double stepSize,
            double invBc2Sqrt, double eps) {
        for (int i = 0; i < n; i++) {
            double pi = p[po + i];
            double gi = sign * g[go + i] + wd * pi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            if (vmax != null) {
                vi = Math.max(vmax[i], vi);
                vmax[i] = vi;
            }
            p[po + i] = decay * pi - stepSize * mi / (Math.sqrt(vi) * invBc2Sqrt + eps);
        }
    }
}
