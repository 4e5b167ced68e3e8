package dev.kiln.optim;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adagrad (Duchi et al.), with PyTorch's update rule and defaults (lr 1e-2, lr decay 0, weight
 * decay 0, initial accumulator value 0, eps 1e-10):
 *
 * <pre>
 * t  += 1
 * g   = (maximize ? -grad : grad) + weight_decay * p
 * clr = lr / (1 + (t - 1) * lr_decay)
 * s   = s + g^2                              (s starts at initial_accumulator_value)
 * p   = p - clr * g / (sqrt(s) + eps)
 * </pre>
 *
 * State per parameter: {@code step}, {@code sum}.
 *
 * <pre>{@code
 * Adagrad opt = new Adagrad(model.parameters(), Adagrad.options().lr(0.05).initialAccumulatorValue(0.1));
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Adagrad's hyperparameters, with PyTorch's defaults. */
    public static final class Options extends OptimizerOptions<Options> {
        private double lrDecay;
        private double initialAccumulatorValue;
        private double eps = 1e-10;

        Options() {
            super("Adagrad", 1e-2, 0);
        }

        /** The learning-rate decay per step. */
        public double lrDecay() {
            return lrDecay;
        }

        /** Sets the learning-rate decay (a finite number >= 0); returns this. */
        public Options lrDecay(double value) {
            lrDecay = HyperparameterCheck.nonNegative(owner(), "lr_decay", value);
            return this;
        }

        /** The value the squared-gradient sums start from. */
        public double initialAccumulatorValue() {
            return initialAccumulatorValue;
        }

        /** Sets the value the sums start from (a finite number >= 0); returns this. */
        public Options initialAccumulatorValue(double value) {
            initialAccumulatorValue = HyperparameterCheck.nonNegative(owner(), "initial_accumulator_value", value);
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

        @Override
        public Options copy() {
            Options o = copyBaseInto(new Options());
            o.lrDecay = lrDecay;
            o.initialAccumulatorValue = initialAccumulatorValue;
            o.eps = eps;
            return o;
        }

        @Override
        protected void writeExtra(Map<String, Object> map) {
            map.put("lr_decay", lrDecay);
            map.put("initial_accumulator_value", initialAccumulatorValue);
            map.put("eps", eps);
        }

        @Override
        protected void readExtra(Map<String, ?> map, String where) {
            lrDecay(number(map, "lr_decay", where));
            initialAccumulatorValue(number(map, "initial_accumulator_value", where));
            eps(number(map, "eps", where));
        }
    }

    /** Adagrad's default hyperparameters, to adjust fluently. */
    public static Options options() {
        return new Options();
    }

    /** Adagrad with the default hyperparameters. */
    public Adagrad(Iterable<Tensor> params) {
        this(params, options());
    }

    /** Adagrad over one group of {@code params} with {@code options} (copied). */
    public Adagrad(Iterable<Tensor> params, Options options) {
        super("Adagrad", params, options);
    }

    /** Adds a group of parameters with their own hyperparameters; returns this. */
    public Adagrad addParamGroup(Iterable<Tensor> params, Options options) {
        addGroup(params, options);
        return this;
    }

    /** The live options of group {@code group} (changes apply from the next step). */
    public Options options(int group) {
        return (Options) paramGroups().get(group).options();
    }

    /** The step count and squared-gradient sum of one parameter. */
    private static final class State extends ParamState {
        long step;
        Tensor sum;

        State(Tensor param, double initialValue) {
            sum = Tensor.full(param.dtype(), initialValue, param.shape());
        }

        @Override
        protected void save(String prefix, Map<String, Tensor> out) {
            out.put(prefix + "step", StateReader.stepTensor(step));
            out.put(prefix + "sum", sum.copy());
        }

        @Override
        protected void load(String prefix, StateReader reader, Tensor param) {
            step = reader.step(prefix + "step");
            sum = reader.required(prefix + "sum", param);
        }
    }

    @Override
    protected ParamState newState(Tensor param, OptimizerOptions<?> options) {
        return new State(param, ((Options) options).initialAccumulatorValue());
    }

    @Override
    protected void update(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options) {
        Options o = (Options) options;
        State s = (State) state;
        s.step++;
        double clr = o.lr() / (1 + (s.step - 1) * o.lrDecay());
        double sign = o.maximize() ? -1 : 1;
        int n = p.numel();
        if (p.dtype() == DType.FLOAT32) {
            updateFloat(p.storage().floats(), p.offset(), g.storage().floats(), g.offset(), s.sum.storage().floats(), n,
                    (float) sign, (float) o.weightDecay(), (float) o.eps(), (float) clr);
        } else {
            updateDouble(p.storage().doubles(), p.offset(), g.storage().doubles(), g.offset(), s.sum.storage().doubles(),
                    n, sign, o.weightDecay(), o.eps(), clr);
        }
    }

    private static void updateFloat(float[] p, int po, float[] g, int go, float[] sum, int n, float sign, float wd,
            float eps, float clr) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            FloatVector gv = FloatVector.fromArray(S, g, go + i).mul(sign).add(pv.mul(wd));
            FloatVector sv = FloatVector.fromArray(S, sum, i).add(gv.mul(gv));
            sv.intoArray(sum, i);
            pv.sub(gv.div(sv.lanewise(VectorOperators.SQRT).add(eps)).mul(clr)).intoArray(p, po + i);
        }
        for (; i < n; i++) {
            float pi = p[po + i];
            float gi = sign * g[go + i] + wd * pi;
            float si = sum[i] + gi * gi;
            sum[i] = si;
            p[po + i] = pi - clr * (gi / ((float) Math.sqrt(si) + eps));
        }
    }

    private static void updateDouble(double[] p, int po, double[] g, int go, double[] sum, int n, double sign,
            double wd, double eps, double clr) {
        for (int i = 0; i < n; i++) {
            double pi = p[po + i];
            double gi = sign * g[go + i] + wd * pi;
            double si = sum[i] + gi * gi;
            sum[i] = si;
            p[po + i] = pi - clr * (gi / (Math.sqrt(si) + eps));
        }
    }
}
