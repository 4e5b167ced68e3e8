package dev.kiln.optim;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay, with
 * PyTorch's update rule and defaults (lr 1e-3, everything else off):
 *
 * <pre>
 * g = (maximize ? -grad : grad) + weight_decay * p
 * b = g                                         (first step)
 * b = momentum * b + (1 - dampening) * g        (later steps)
 * p = p - lr * (nesterov ? g + momentum * b : b)     (with momentum; p - lr * g without)
 * </pre>
 *
 * State per parameter: {@code momentum_buffer}, only when momentum is used.
 *
 * <pre>{@code
 * SGD opt = new SGD(model.parameters(), SGD.options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(5e-4));
 * }</pre>
 */
public final class SGD extends Optimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** SGD's hyperparameters, with PyTorch's defaults. */
    public static final class Options extends OptimizerOptions<Options> {
        private double momentum;
        private double dampening;
        private boolean nesterov;

        Options() {
            super("SGD", 1e-3, 0);
        }

        /** The momentum factor (0: plain SGD). */
        public double momentum() {
            return momentum;
        }

        /** Sets the momentum factor (a finite number >= 0); returns this. */
        public Options momentum(double value) {
            momentum = HyperparameterCheck.nonNegative(owner(), "momentum", value);
            return this;
        }

        /** The dampening of the momentum. */
        public double dampening() {
            return dampening;
        }

        /** Sets the dampening of the momentum (a finite number); returns this. */
        public Options dampening(double value) {
            dampening = HyperparameterCheck.finite(owner(), "dampening", value);
            return this;
        }

        /** Whether Nesterov momentum is used. */
        public boolean nesterov() {
            return nesterov;
        }

        /** Turns Nesterov momentum on (it needs momentum > 0 and dampening 0); returns this. */
        public Options nesterov(boolean value) {
            nesterov = value;
            return this;
        }

        @Override
        protected void validate() {
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: nesterov momentum requires momentum > 0 and dampening = 0, got "
                        + "momentum=" + momentum + ", dampening=" + dampening);
            }
        }

        @Override
        public Options copy() {
            Options o = copyBaseInto(new Options());
            o.momentum = momentum;
            o.dampening = dampening;
            o.nesterov = nesterov;
            return o;
        }

        @Override
        protected void writeExtra(Map<String, Object> map) {
            map.put("momentum", momentum);
            map.put("dampening", dampening);
            map.put("nesterov", nesterov);
        }

        @Override
        protected void readExtra(Map<String, ?> map, String where) {
            momentum(number(map, "momentum", where));
            dampening(number(map, "dampening", where));
            nesterov(bool(map, "nesterov", where));
        }
    }

    /** SGD's default hyperparameters, to adjust fluently. */
    public static Options options() {
        return new Options();
    }

    /** SGD with learning rate {@code lr} and nothing else. */
    public SGD(Iterable<Tensor> params, double lr) {
        this(params, options().lr(lr));
    }

    /** SGD over one group of {@code params} with {@code options} (copied). */
    public SGD(Iterable<Tensor> params, Options options) {
        super("SGD", params, options);
    }

    /** Adds a group of parameters with their own hyperparameters; returns this. */
    public SGD addParamGroup(Iterable<Tensor> params, Options options) {
        addGroup(params, options);
        return this;
    }

    /** The live options of group {@code group} (changes apply from the next step). */
    public Options options(int group) {
        return (Options) paramGroups().get(group).options();
    }

    /** The momentum buffer of one parameter, created at its first step with momentum. */
    private static final class State extends ParamState {
        Tensor momentumBuffer;

        @Override
        protected void save(String prefix, Map<String, Tensor> out) {
            if (momentumBuffer != null) {
                out.put(prefix + "momentum_buffer", momentumBuffer.copy());
            }
        }

        @Override
        protected void load(String prefix, StateReader reader, Tensor param) {
            momentumBuffer = reader.optional(prefix + "momentum_buffer", param);
        }
    }

    @Override
    protected ParamState newState(Tensor param, OptimizerOptions<?> options) {
        return new State();
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options) {
        Options o = (Options) options;
        State s = (State) state;
        double sign = o.maximize() ? -1 : 1;
        double momentum = o.momentum();
        if (momentum == 0) {
            run(p, g, null, sign, o.weightDecay(), 0, 0, false, 0, o.lr());
            return;
        }
        boolean first = s.momentumBuffer == null;
        if (first) {
            s.momentumBuffer = Tensor.zeros(p.dtype(), p.shape());
        }
        // The first step copies the gradient into the (zero) buffer: b = 0 * b + 1 * g.
        double keep = first ? 0 : momentum;
        double add = first ? 1 : 1 - o.dampening();
        run(p, g, s.momentumBuffer, sign, o.weightDecay(), keep, add, o.nesterov(), momentum, o.lr());
    }

    /**
     * With g' = sign * grad + wd * p: b = keep * b + add * g' and p -= lr * (nesterov ? g' + momentum * b : b);
     * without a buffer, p -= lr * g'.
     */
    private static void run(Tensor p, Tensor g, Tensor buf, double sign, double wd, double keep, double add,
            boolean nesterov, double momentum, double lr) {
        int n = p.numel();
        if (p.dtype() == DType.FLOAT32) {
            updateFloat(p.storage().floats(), p.offset(), g.storage().floats(), g.offset(),
                    buf == null ? null : buf.storage().floats(), n, (float) sign, (float) wd, (float) keep,
                    (float) add, nesterov, (float) momentum, (float) lr);
        } else {
            updateDouble(p.storage().doubles(), p.offset(), g.storage().doubles(), g.offset(),
                    buf == null ? null : buf.storage().doubles(), n, sign, wd, keep, add, nesterov, momentum, lr);
        }
    }

    private static void updateFloat(float[] p, int po, float[] g, int go, float[] b, int n, float sign, float wd,
            float keep, float add, boolean nesterov, float momentum, float lr) {
        int i = 0;
        int bound = S.loopBound(n);
        if (b == null) {
            for (; i < bound; i += S.length()) {
                FloatVector pv = FloatVector.fromArray(S, p, po + i);
                FloatVector gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(wd));
                pv.sub(gv.mul(lr)).intoArray(p, po + i);
            }
            for (; i < n; i++) {
                float pi = p[po + i];
                p[po + i] = pi - lr * (sign * g[go + i] + wd * pi);
            }
            return;
        }
        for (; i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            FloatVector gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(wd));
            FloatVector bv = FloatVector.fromArray(S, b, i).mul(keep).add(gv.mul(add));
            bv.intoArray(b, i);
            FloatVector d = nesterov ? gv.add(bv.mul(momentum)) : bv;
            pv.sub(d.mul(lr)).intoArray(p, po + i);
        }
        for (; i < n; i++) {
            float pi = p[po + i];
            float gi = sign * g[go + i] + wd * pi;
            float bi = keep * b[i] + add * gi;
            b[i] = bi;
            p[po + i] = pi - lr * (nesterov ? gi + momentum * bi : bi);
        }
    }

    private static void updateDouble(double[] p, int po, double[] g, int go, double[] b, int n, double sign,
            double wd, double keep, double add, boolean nesterov, double momentum, double lr) {
        for (int i = 0; i < n; i++) {
            double pi = p[po + i];
            double gi = sign * g[go + i] + wd * pi;
            if (b == null) {
                p[po + i] = pi - lr * gi;
            } else {
                double bi = keep * b[i] + add * gi;
                b[i] = bi;
                p[po + i] = pi - lr * (nesterov ? gi + momentum * bi : bi);
            }
        }
    }
}
