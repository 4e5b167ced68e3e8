package dev.kiln.backend.cpu;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner loops of the element-wise primitives over one row: unit-stride float32 rows get plain
 * indexed loops that C2 vectorizes (the op is chosen outside the loop), or the Vector API where C2
 * would not (ReLU's backward); other strides and dtypes go through the scalar functions
 * {@link #apply(UnaryOp, double)} and {@link #apply(BinaryOp, double, double)}.
 */
final class ElementwiseKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private ElementwiseKernels() {}

    // ------------------------------------------------------------ scalar definitions (the reference)

    static double apply(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case RELU -> Math.max(x, 0);
            case SIGMOID -> MathFunctions.sigmoid(x);
            case TANH -> Math.tanh(x);
            case GELU -> MathFunctions.gelu(x);
            case ERF -> MathFunctions.erf(x);
            case RECIPROCAL -> 1 / x;
            case SQUARE -> x * x;
        };
    }

    static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case PASS_IF_POSITIVE -> a > 0 ? b : 0;
        };
    }

    /** Integer arithmetic stays exact in long; division and pow go through double. */
    static long applyLong(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case PASS_IF_POSITIVE -> a > 0 ? b : 0;
            case DIV, POW -> (long) apply(op, a, b);
        };
    }

    /** Rough cost of one element, in {@link Parallel#forRange}'s units (a cheap add is 1). */
    static long cost(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, RELU, SQUARE, RECIPROCAL -> 1;
            case SQRT -> 2;
            case EXP, LOG, SIGMOID, TANH -> 10;
            case GELU, ERF -> 40;
        };
    }

    static long cost(BinaryOp op) {
        return op == BinaryOp.POW ? 20 : 1;
    }

    /** {@code o = c != 0 ? a : b} over one float32 row. */
    static void where(float[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o,
            int oo, int n) {
        if (cs == 1 && as == 1 && bs == 1) {
            // Selecting bits through a mask instead of branching: masks from data are random, and a
            // mispredicted branch per element made this loop several times slower than an add.
            for (int i = 0; i < n; i++) {
                int cb = Float.floatToRawIntBits(c[co + i]) & 0x7fffffff;
                int pick = -((cb | -cb) >>> 31);
                o[oo + i] = Float.intBitsToFloat((Float.floatToRawIntBits(a[ao + i]) & pick)
                        | (Float.floatToRawIntBits(b[bo + i]) & ~pick));
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            o[oo + i] = c[co + i * cs] != 0 ? a[ao + i * as] : b[bo + i * bs];
        }
    }

    // ------------------------------------------------------------ float32 rows

    static void unary(UnaryOp op, float[] x, int xo, int xs, float[] o, int oo, int n) {
        if (xs != 1) {
            for (int i = 0; i < n; i++) {
                o[oo + i] = (float) apply(op, x[xo + i * xs]);
            }
            return;
        }
        switch (op) {
            case NEG -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = -x[xo + i];
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.max(x[xo + i], 0f);
                }
            }
            case ABS -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.abs(x[xo + i]);
                }
            }
            case SQRT -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.sqrt(x[xo + i]);
                }
            }
            case SQUARE -> {
                for (int i = 0; i < n; i++) {
                    float v = x[xo + i];
                    o[oo + i] = v * v;
                }
            }
            case RECIPROCAL -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = 1f / x[xo + i];
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.exp(x[xo + i]);
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.log(x[xo + i]);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) apply(op, x[xo + i]);
                }
            }
        }
    }

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        if (as == 1 && bs == 1) {
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] + b[bo + i];
                    }
                }
                case PASS_IF_POSITIVE -> passIfPositive(a, ao, b, bo, o, oo, n);
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] - b[bo + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] * b[bo + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] / b[bo + i];
                    }
                }
                default -> generic(op, a, ao, as, b, bo, bs, o, oo, n);
            }
        } else if (as == 1 && bs == 0) {
            float s = b[bo];
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] + s;
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] - s;
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] * s;
                    }
                }
                case DIV -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] / s;
                    }
                }
                case GT -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = a[ao + i] > s ? 1f : 0f;
                    }
                }
                default -> generic(op, a, ao, as, b, bo, bs, o, oo, n);
            }
        } else if (as == 0 && bs == 1) {
            float s = a[ao];
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = s + b[bo + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = s - b[bo + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = s * b[bo + i];
                    }
                }
                default -> generic(op, a, ao, as, b, bo, bs, o, oo, n);
            }
        } else {
            generic(op, a, ao, as, b, bo, bs, o, oo, n);
        }
    }

    /**
     * {@code o = a > 0 ? b : 0} (ReLU's backward, {@code a} its output) with bit masks, not a branch: the
     * sign pattern of activations is random. {@code (-v & ~v)} has its sign bit set exactly when the int
     * v is positive, that is when the float is positive and not zero. C2 leaves the float-to-bits
     * moves scalar, so whole vectors go through the Vector API: 3 to 6 times faster (W3's activations).
     */
    private static void passIfPositive(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += F.length()) {
            IntVector v = FloatVector.fromArray(F, a, ao + i).reinterpretAsInts();
            IntVector pass = v.neg().lanewise(VectorOperators.AND, v.not()).lanewise(VectorOperators.ASHR, 31);
            FloatVector.fromArray(F, b, bo + i).reinterpretAsInts().lanewise(VectorOperators.AND, pass)
                    .reinterpretAsFloats().intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            int v = Float.floatToRawIntBits(a[ao + i]);
            int pass = (-v & ~v) >> 31;
            o[oo + i] = Float.intBitsToFloat(Float.floatToRawIntBits(b[bo + i]) & pass);
        }
    }

    private static void generic(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo,
            int n) {
        for (int i = 0; i < n; i++) {
            o[oo + i] = (float) apply(op, a[ao + i * as], b[bo + i * bs]);
        }
    }

    // ------------------------------------------------------------ float64 rows (gradient checks: exact, not fast)

    static void unary(UnaryOp op, double[] x, int xo, int xs, double[] o, int oo, int n) {
        for (int i = 0; i < n; i++) {
            o[oo + i] = apply(op, x[xo + i * xs]);
        }
    }

    static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, double[] o, int oo,
            int n) {
        if (as == 1 && bs == 1 && op == BinaryOp.ADD) {
            for (int i = 0; i < n; i++) {
                o[oo + i] = a[ao + i] + b[bo + i];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            o[oo + i] = apply(op, a[ao + i * as], b[bo + i * bs]);
        }
    }
}
