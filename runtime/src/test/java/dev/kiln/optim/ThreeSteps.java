package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * The small problem every optimizer test runs: parameter [1, -2, 0.5] and three fixed gradients
 * (tiled over several rows, so that float32 runs through both the vector loop and its tail).
 * The expected trajectories in the tests were computed independently of Kiln, by a plain-double
 * Python re-implementation of each PyTorch update rule as documented (torch.optim's algorithm boxes).
 */
final class ThreeSteps {
    static final double[] P0 = {1.0, -2.0, 0.5};
    static final double[][] GRADS = {{0.5, -1.0, 2.0}, {0.1, 0.2, -0.3}, {-0.4, 0.0, 1.5}};

    private ThreeSteps() {}

    /** Rows of the tiled problem: 21 elements cover the float32 vector loop (16 or 8 lanes) and its scalar tail. */
    static final int ROWS = 7;

    /** A fresh [ROWS, 3] parameter whose every row holds P0, in {@code dtype}. */
    static Tensor param(DType dtype) {
        return Tensor.of(tile(P0), ROWS, 3).to(dtype).copy().requiresGrad(true);
    }

    /** The gradient of step {@code step}, tiled like the parameter. */
    static Tensor grad(int step, DType dtype) {
        return Tensor.of(tile(GRADS[step]), ROWS, 3).to(dtype).copy();
    }

    private static double[] tile(double[] row) {
        double[] out = new double[ROWS * row.length];
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    /** Runs three steps in {@code dtype} and checks the parameter after each against {@code expected}. */
    static Optimizer check(DType dtype, Function<List<Tensor>, Optimizer> make, double[][] expected, double tol) {
        Tensor p = param(dtype);
        Optimizer opt = make.apply(List.of(p));
        for (int step = 0; step < 3; step++) {
            p.setGrad(grad(step, dtype));
            opt.step();
            assertClose(tile(expected[step]), p.toDoubleArray(), tol, "after step " + (step + 1) + " in " + dtype);
        }
        return opt;
    }

    /** Checks in float64 (to 1e-12) and float32 (to 2e-6), returning the float64 optimizer for state checks. */
    static Optimizer checkBoth(Function<List<Tensor>, Optimizer> make, double[][] expected) {
        check(DType.FLOAT32, make, expected, 2e-6);
        return check(DType.FLOAT64, make, expected, 1e-12);
    }

    /** Checks every row of a tiled [ROWS, 3] result against {@code row}. */
    static void assertEachRow(double[] row, double[] actual, double tol, String what) {
        assertClose(tile(row), actual, tol, what);
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol * scale, what + ": element " + i);
        }
    }

    /**
     * Runs the same optimizer on a 45-element float32 parameter (vector loop and tail) and on its
     * float64 twin for five seeded steps, and checks that the two paths agree.
     */
    static void checkFloatMatchesDouble(Function<List<Tensor>, Optimizer> make) {
        Generator gen = new Generator(7);
        Tensor p64 = Tensor.randn(gen, DType.FLOAT64, 5, 9);
        Tensor p32 = p64.to(DType.FLOAT32).copy().requiresGrad(true);
        p64 = p32.to(DType.FLOAT64).copy().requiresGrad(true);
        Optimizer o32 = make.apply(List.of(p32));
        Optimizer o64 = make.apply(List.of(p64));
        for (int step = 0; step < 5; step++) {
            Tensor g = Tensor.randn(gen, DType.FLOAT32, 5, 9);
            p32.setGrad(g);
            p64.setGrad(g.to(DType.FLOAT64).copy());
            o32.step();
            o64.step();
        }
        assertClose(p64.toDoubleArray(), p32.toDoubleArray(), 1e-5, "float32 against float64");
    }
}
