package dev.kiln.autograd;

import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * A debugging mode (like {@code torch.autograd.detect_anomaly}) in which every recorded op checks
 * its output, and every backward its gradients, for NaN or infinity, and names the op that
 * produced the first one. It costs a pass over every tensor, so it is off by default.
 */
public final class AnomalyMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[1]);

    private AnomalyMode() {}

    /** Whether anomaly detection is on for this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns detection on until the returned scope closes. */
    public static Scope enable() {
        boolean[] flag = ENABLED.get();
        Scope scope = new Scope(flag, flag[0]);
        flag[0] = true;
        return scope;
    }

    /** Restores the previous anomaly setting when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            flag[0] = previous;
        }
    }

    static void checkForward(String op, Tensor out) {
        double bad = firstNonFinite(out);
        if (!Double.isFinite(bad)) {
            throw new ArithmeticException("anomaly: " + op + " produced a non-finite value (" + bad
                    + ") in its output of shape " + Shapes.str(out.shape()));
        }
    }

    static void checkBackward(String op, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null) {
                double bad = firstNonFinite(grads[i]);
                if (!Double.isFinite(bad)) {
                    throw new ArithmeticException("anomaly: the backward of " + op + " produced a non-finite "
                            + "gradient (" + bad + ") for its input " + i + " of shape "
                            + Shapes.str(grads[i].shape()));
                }
            }
        }
    }

    /** The first NaN or infinity of t, or 0 when every element is finite. */
    private static double firstNonFinite(Tensor t) {
        if (!t.dtype().isFloating()) {
            return 0;
        }
        // Detached, so that the copy of a non-contiguous output is not itself recorded (and checked).
        Tensor c = t.detach().contiguous();
        for (int i = 0; i < c.numel(); i++) {
            double v = c.storage().getDouble(c.offset() + i);
            if (!Double.isFinite(v)) {
                return v;
            }
        }
        return 0;
    }
}
