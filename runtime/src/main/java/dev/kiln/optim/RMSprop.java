package dev.kiln.optim;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * RMSprop (Hinton), with PyTorch's update rule and defaults (lr 1e-2, alpha 0.99, eps 1e-8, weight
 * decay 0, momentum 0, not centered):
 *
 * <pre>
 * g   = (maximize ? -grad : grad) + weight_decay * p
 * v   = alpha * v + (1 - alpha) * g^2
 * ga  = alpha * ga + (1 - alpha) * g                 (centered)
 * avg = sqrt(centered ? v - ga^2 : v) + eps
 * b   = momentum * b + g / avg; p = p - lr * b       (momentum > 0)
 * p   = p - lr * g / avg                             (otherwise)
 * </pre>
 *
 * State per parameter: {@code step}, {@code square_avg}, {@code momentum_buffer} (with momentum),
 * {@code grad_avg} (centered).
 *
 * <pre>{@code
 * RMSprop opt = new RMSprop(model.parameters(), RMSprop.options().lr(1e-3).alpha(0.9).momentum(0.9));
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** RMSprop's hyperparameters, with PyTorch's defaults. */
    public static final class Options extends OptimizerOptions<Options> {
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double momentum;
        private boolean centered;

        Options() {
            super("RMSprop", 1e-2, 0);
        }

        /** The smoothing constant of the squared-gradient average. */
        public double alpha() {
            return alpha;
        }

        /** Sets the smoothing constant (a finite number >= 0); returns this. */
        public Options alpha(double value) {
            alpha = HyperparameterCheck.nonNegative(owner(), "alpha", value);
            return this;
        }

        /** The term added to the denominator for numerical stability. */
        public double eps() {
            return eps;
        }

        /** Sets eps (a finite number >= 0); returns this. */
        public Options eps(double value) {
            eps = HyperparameterCheck.nonNegative(owner(), "eps", value);
            return this;
        }

        /** The momentum factor (0: none). */
        public double momentum() {
            return momentum;
        }

        /** Sets the momentum factor (a finite number >= 0); returns this. */
        public Options momentum(double value) {
            momentum = HyperparameterCheck.nonNegative(owner(), "momentum", value);
            return this;
        }

        /** Whether the gradient is normalized by an estimate of its variance rather than its second moment. */
        public boolean centered() {
            return centered;
        }

        /** Turns the centered variant on or off; returns this. */
        public Options centered(boolean value) {
            centered = value;
            return this;
        }

        @Override
        public Options copy() {
            Options o = copyBaseInto(new Options());
            o.alpha = alpha;
            o.eps = eps;
            o.momentum = momentum;
            o.centered = centered;
            return o;
        }

        @Override
        protected void writeExtra(Map<String, Object> map) {
            map.put("alpha", alpha);
            map.put("eps", eps);
            map.put("momentum", momentum);
            map.put("centered", centered);
        }

        @Override
        protected void readExtra(Map<String, ?> map, String where) {
            alpha(number(map, "alpha", where));
            eps(number(map, "eps", where));
            momentum(number(map, "momentum", where));
            centered(bool(map, "centered", where));
        }
    }

    /** RMSprop's default hyperparameters, to adjust fluently. */
    public static Options options() {
        return new Options();
    }

    /** RMSprop with the default hyperparameters. */
    public RMSprop(Iterable<Tensor> params) {
        this(params, options());
    }

    /** RMSprop over one group of {@code params} with {@code options} (copied). */
    public RMSprop(Iterable<Tensor> params, Options options) {
        super("RMSprop", params, options);
    }

    /** Adds a group of parameters with their own hyperparameters; returns this. */
    public RMSprop addParamGroup(Iterable<Tensor> params, Options options) {
        addGroup(params, options);
        return this;
    }

    /** The live options of group {@code group} (changes apply from the next step). */
    public Options options(int group) {
        return (Options) paramGroups().get(group).options();
    }

    /** The running averages of one parameter; the optional ones are created when first needed. */
    private static final class State extends ParamState {
        long step;
        Tensor squareAvg;
        Tensor momentumBuffer;
        Tensor gradAvg;

        State(Tensor param) {
            squareAvg = Tensor.zeros(param.dtype(), param.shape());
        }

        @Override
        protected void save(String prefix, Map<String, Tensor> out) {
            out.put(prefix + "step", StateReader.stepTensor(step));
            out.put(prefix + "square_avg", squareAvg.copy());
            if (momentumBuffer != null) {
                out.put(prefix + "momentum_buffer", momentumBuffer.copy());
            }
            if (gradAvg != null) {
                out.put(prefix + "grad_avg", gradAvg.copy());
            }
        }

        @Override
        protected void load(String prefix, StateReader reader, Tensor param) {
            step = reader.step(prefix + "step");
            squareAvg = reader.required(prefix + "square_avg", param);
            momentumBuffer = reader.optional(prefix + "momentum_buffer", param);
            gradAvg = reader.optional(prefix + "grad_avg", param);
        }
    }

    @Override
    protected ParamState newState(Tensor param, OptimizerOptions<?> options) {
        return new State(param);
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options) {
        Options o = (Options) options;
        State s = (State) state;
        s.step++;
        boolean momentum = o.momentum() > 0;
        if (momentum && s.momentumBuffer == null) {
            s.momentumBuffer = Tensor.zeros(p.dtype(), p.shape());
        }
        if (o.centered() && s.gradAvg == null) {
            s.gradAvg = Tensor.zeros(p.dtype(), p.shape());
        }
        Tensor buf = momentum ? s.momentumBuffer : null;
        Tensor gradAvg = o.centered() ? s.gradAvg : null;
        double sign = o.maximize() ? -1 : 1;
        int n = p.numel();
        if (p.dtype() == DType.FLOAT32) {
            updateFloat(p.storage().floats(), p.offset(), g.storage().floats(), g.offset(), s.squareAvg.storage().floats(),
                    gradAvg == null ? null : gradAvg.storage().floats(), buf == null ? null : buf.storage().floats(), n,
                    (float) sign, (float) o.weightDecay(), (float) o.alpha(), (float) o.eps(), (float) o.momentum(),
                    (float) o.lr());
        } else {
            updateDouble(p.storage().doubles(), p.offset(), g.storage().doubles(), g.offset(),
                    s.squareAvg.storage().doubles(), gradAvg == null ? null : gradAvg.storage().doubles(),
                    buf == null ? null : buf.storage().doubles(), n, sign, o.weightDecay(), o.alpha(), o.eps(),
                    o.momentum(), o.lr());
        }
    }

    private static void updateFloat(float[] p, int po, float[] g, int go, float[] v, float[] ga, float[] b, int n,
            float sign, float wd, float alpha, float eps, float momentum, float lr) {
        float oma = 1 - alpha;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            FloatVector gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(wd));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(alpha).add(gv.mul(gv).mul(oma));
            vv.intoArray(v, i);
            if (ga != null) {
                FloatVector av = FloatVector.fromArray(S, ga, i).mul(alpha).add(gv.mul(oma));
                av.intoArray(ga, i);
                vv = vv.sub(av.mul(av));
            }
            FloatVector step = gv.div(vv.lanewise(VectorOperators.SQRT).add(eps));
            if (b != null) {
                step = FloatVector.fromArray(S, b, i).mul(momentum).add(step);
                step.intoArray(b, i);
            }
            pv.sub(step.mul(lr)).intoArray(p, po + i);
        }
        for (; i < n; i++) {
            float pi = p[po + i];
            float gi = sign * g[go + i] + wd * pi;
            float vi = alpha * v[i] + oma * (gi * gi);
            v[i] = vi;
            if (ga != null) {
                float ai = alpha * ga[i] + oma * gi;
                ga[i] = ai;
                vi = vi - ai * ai;
            }
            float step = gi / ((float) Math.sqrt(vi) + eps);
            if (b != null) {
                step = momentum * b[i] + step;
                b[i] = step;
            }
            p[po + i] = pi - lr * step;
        }
    }

    private static void updateDouble(double[] p, int po, double[] g, int go, double[] v, double[] ga, double[] b,
            int n, double sign, double wd, double alpha, double eps, double momentum, double lr) {
        for (int i = 0; i < n; i++) {
            double pi = p[po + i];
            double gi = sign * g[go + i] + wd * pi;
            double vi = alpha * v[i] + (1 - alpha) * (gi * gi);
            v[i] = vi;
            if (ga != null) {
                double ai = alpha * ga[i] + (1 - alpha) * gi;
                ga[i] = ai;
                vi = vi - ai * ai;
            }
            double step = gi / (Math.sqrt(vi) + eps);
            if (b != null) {
                step = momentum * b[i] + step;
                b[i] = step;
            }
            p[po + i] = pi - lr * step;
        }
    }
}
