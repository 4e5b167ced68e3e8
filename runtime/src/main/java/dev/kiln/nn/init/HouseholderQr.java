package dev.kiln.nn.init;

/** The Q factor of a tall matrix's QR decomposition, by Householder reflections in double precision. */
final class HouseholderQr {
    private HouseholderQr() {}

    /**
     * The m x n orthonormal factor Q of the row-major m x n matrix {@code a} (m >= n), with each
     * column's sign chosen so that R's diagonal is non-negative. That sign rule makes Q unique for a
     * full-rank matrix, so the result does not depend on the reflection convention: it equals
     * PyTorch's {@code q * sign(diag(r))} for the same input.
     */
    static double[] orthonormalFactor(double[] a, int m, int n) {
        if (m < n) {
            throw new IllegalArgumentException("QR: expects rows >= columns, got " + m + " x " + n);
        }
        double[] r = a.clone();
        double[][] reflectors = new double[n][];
        for (int k = 0; k < n; k++) {
            reflectors[k] = reflect(r, m, n, k);
        }
        double[] q = new double[m * n];
        for (int j = 0; j < n; j++) {
            q[j * n + j] = 1;
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, innermost first.
        for (int k = n - 1; k >= 0; k--) {
            apply(reflectors[k], q, m, n, k, 0);
        }
        for (int j = 0; j < n; j++) {
            if (r[j * n + j] < 0) {
                for (int i = 0; i < m; i++) {
                    q[i * n + j] = -q[i * n + j];
                }
            }
        }
        return q;
    }

    /** Zeros column k of {@code r} below the diagonal; returns the unit reflector (null when the column is already zero). */
    private static double[] reflect(double[] r, int m, int n, int k) {
        int len = m - k;
        double norm = 0;
        for (int i = 0; i < len; i++) {
            double x = r[(k + i) * n + k];
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return null;
        }
        double x0 = r[k * n + k];
        // Reflect onto -sign(x0) * |x| e_k so that v = x - alpha e_k does not cancel.
        double alpha = x0 >= 0 ? -norm : norm;
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = r[(k + i) * n + k];
        }
        v[0] -= alpha;
        double vnorm = 0;
        for (double x : v) {
            vnorm += x * x;
        }
        vnorm = Math.sqrt(vnorm);
        if (vnorm == 0) {
            return null;
        }
        for (int i = 0; i < len; i++) {
            v[i] /= vnorm;
        }
        apply(v, r, m, n, k, k);
        return v;
    }

    /** Applies I - 2 v v^T to rows k.. and columns fromCol.. of the row-major m x n matrix {@code x}. */
    private static void apply(double[] v, double[] x, int m, int n, int k, int fromCol) {
        if (v == null) {
            return;
        }
        for (int j = fromCol; j < n; j++) {
            double dot = 0;
            for (int i = k; i < m; i++) {
                dot += v[i - k] * x[i * n + j];
            }
            dot *= 2;
            for (int i = k; i < m; i++) {
                x[i * n + j] -= dot * v[i - k];
            }
        }
    }
}
