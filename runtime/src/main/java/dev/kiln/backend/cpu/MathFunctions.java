package dev.kiln.backend.cpu;

/** Scalar functions the JDK lacks, in double precision: erf and the activations built on it. */
final class MathFunctions {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2 = Math.sqrt(0.5);

    private MathFunctions() {}

    /**
     * The error function to about 1e-15: its Maclaurin series below |x| = 2.5 (where the terms
     * stay small enough not to cancel) and a continued fraction for erfc above.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double contribution = term / (2 * n + 1);
                sum += contribution;
                if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        if (ax > 6) {
            return Math.copySign(1, x);
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
        return Math.copySign(1 - erfc, x);
    }

    /** x Phi(x), the exact GELU. */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x * INV_SQRT_2));
    }

    static double sigmoid(double x) {
        // Two forms so that exp never overflows.
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
