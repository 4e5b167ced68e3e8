package dev.kiln.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each initializer against its PyTorch definition: the values must be exactly the generator's
 * draws mapped through the documented bound or standard deviation, in row-major order.
 */
class InitTest {
    private static double[] uniformDraws(long seed, int n, double a, double b) {
        Generator g = new Generator(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a + (b - a) * g.nextDouble();
        }
        return out;
    }

    private static double[] normalDraws(long seed, int n, double mean, double std) {
        Generator g = new Generator(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = mean + std * g.nextGaussian();
        }
        return out;
    }

    @Test
    void fansFollowPyTorch() {
        Tensor linear = Tensor.zeros(200, 784);
        assertEquals(784, Init.fanIn(linear));
        assertEquals(200, Init.fanOut(linear));
        Tensor conv = Tensor.zeros(16, 3, 5, 5);
        assertEquals(3 * 25, Init.fanIn(conv));
        assertEquals(16 * 25, Init.fanOut(conv));
        var e = assertThrows(ShapeException.class, () -> Init.fanIn(Tensor.zeros(5)));
        assertEquals("fanIn: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got shape [5]",
                e.getMessage());
    }

    @Test
    void gainsFollowPyTorch() {
        assertEquals(1.0, Init.calculateGain("linear"));
        assertEquals(1.0, Init.calculateGain("conv2d"));
        assertEquals(1.0, Init.calculateGain("sigmoid"));
        assertEquals(5.0 / 3, Init.calculateGain("tanh"));
        assertEquals(Math.sqrt(2), Init.calculateGain("relu"));
        assertEquals(Math.sqrt(2 / 1.0001), Init.calculateGain("leaky_relu"), 1e-15);
        assertEquals(Math.sqrt(2 / 1.04), Init.calculateGain("leaky_relu", 0.2), 1e-15);
        assertEquals(0.75, Init.calculateGain(Nonlinearity.SELU));
        var e = assertThrows(IllegalArgumentException.class, () -> Init.calculateGain("swish"));
        assertTrue(e.getMessage().startsWith("calculateGain: unsupported nonlinearity 'swish'; expected one of linear, "),
                e.getMessage());
    }

    @Test
    void constants() {
        Tensor t = Tensor.zeros(2, 3);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, Init.ones(t).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, Init.constant(t, 2.5).toFloatArray());
        assertArrayEquals(new float[6], Init.zeros(t).toFloatArray());
    }

    @Test
    void uniformAndNormalAreTheGeneratorsDraws() {
        Tensor u = Init.uniform(Tensor.zeros(DType.FLOAT64, 4, 5), -2, 3, new Generator(11));
        assertArrayEquals(uniformDraws(11, 20, -2, 3), u.toDoubleArray());
        Tensor n = Init.normal(Tensor.zeros(DType.FLOAT64, 4, 5), 1, 0.5, new Generator(12));
        assertArrayEquals(normalDraws(12, 20, 1, 0.5), n.toDoubleArray());
        Tensor f = Init.uniform(Tensor.zeros(3, 3), new Generator(13));
        double[] expected = uniformDraws(13, 9, 0, 1);
        for (int i = 0; i < 9; i++) {
            assertEquals((float) expected[i], f.toFloatArray()[i]);
        }
    }

    @Test
    void kaimingUniformDefaultBoundIsSqrtSixOverFanIn() {
        Tensor w = Init.kaimingUniform(Tensor.zeros(DType.FLOAT64, 30, 50), new Generator(3));
        double bound = Math.sqrt(6.0 / 50);
        assertArrayEquals(uniformDraws(3, 1500, -bound, bound), w.toDoubleArray(), 1e-15);
    }

    @Test
    void kaimingUniformWithLinearsSqrtFiveGivesOneOverSqrtFanIn() {
        Tensor w = Init.kaimingUniform(Tensor.zeros(DType.FLOAT64, 10, 64), Math.sqrt(5), FanMode.FAN_IN,
                Nonlinearity.LEAKY_RELU, new Generator(4));
        assertArrayEquals(uniformDraws(4, 640, -0.125, 0.125), w.toDoubleArray(), 1e-15);
    }

    @Test
    void kaimingNormalFanOutRelu() {
        Tensor w = Init.kaimingNormal(Tensor.zeros(DType.FLOAT64, 8, 4, 3, 3), 0, FanMode.FAN_OUT, Nonlinearity.RELU,
                new Generator(5));
        double std = Math.sqrt(2) / Math.sqrt(8 * 9);
        assertArrayEquals(normalDraws(5, 288, 0, std), w.toDoubleArray(), 1e-15);
        Tensor d = Init.kaimingNormal(Tensor.zeros(DType.FLOAT64, 6, 8), new Generator(6));
        assertArrayEquals(normalDraws(6, 48, 0, Math.sqrt(2.0 / 8)), d.toDoubleArray(), 1e-15);
    }

    @Test
    void xavier() {
        Tensor u = Init.xavierUniform(Tensor.zeros(DType.FLOAT64, 20, 10, 3), 2.0, new Generator(7));
        double bound = 2.0 * Math.sqrt(6.0 / (30 + 60));
        assertArrayEquals(uniformDraws(7, 600, -bound, bound), u.toDoubleArray(), 1e-15);
        Tensor n = Init.xavierNormal(Tensor.zeros(DType.FLOAT64, 20, 10), new Generator(8));
        assertArrayEquals(normalDraws(8, 200, 0, Math.sqrt(2.0 / 30)), n.toDoubleArray(), 1e-15);
    }

    @Test
    void orthogonalTallMatrixIsTheQOfItsNormalDrawsWithPositiveR() {
        int rows = 7;
        int cols = 4;
        double gain = 1.5;
        Tensor q = Init.orthogonal(Tensor.zeros(DType.FLOAT64, rows, cols), gain, new Generator(9));
        double[] a = normalDraws(9, rows * cols, 0, 1);
        double[] qv = q.toDoubleArray();
        // Q^T Q = gain^2 I.
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double dot = 0;
                for (int k = 0; k < rows; k++) {
                    dot += qv[k * cols + i] * qv[k * cols + j];
                }
                assertEquals(i == j ? gain * gain : 0, dot, 1e-12, "Q^T Q at " + i + ", " + j);
            }
        }
        // R = Q^T A / gain is upper triangular with a positive diagonal, so Q is the unique QR factor of A.
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double r = 0;
                for (int k = 0; k < rows; k++) {
                    r += qv[k * cols + i] * a[k * cols + j] / gain;
                }
                if (i > j) {
                    assertEquals(0, r, 1e-12, "R below the diagonal at " + i + ", " + j);
                } else if (i == j) {
                    assertTrue(r > 0, "R's diagonal must be positive, got " + r);
                }
            }
        }
    }

    @Test
    void orthogonalWideAndConvWeightsHaveOrthonormalRows() {
        for (int[] shape : new int[][] {{3, 8}, {4, 2, 2, 2}}) {
            Tensor t = Init.orthogonal(Tensor.zeros(DType.FLOAT64, shape), new Generator(10));
            int rows = shape[0];
            int cols = t.numel() / rows;
            double[] v = t.toDoubleArray();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double dot = 0;
                    for (int k = 0; k < cols; k++) {
                        dot += v[i * cols + k] * v[j * cols + k];
                    }
                    assertEquals(i == j ? 1 : 0, dot, 1e-12);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        Tensor[] first = initAll(new Generator(42));
        Tensor[] second = initAll(new Generator(42));
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i].toFloatArray(), second[i].toFloatArray());
        }
        Tensor[] other = initAll(new Generator(43));
        assertTrue(first[0].toFloatArray()[0] != other[0].toFloatArray()[0]);
    }

    private static Tensor[] initAll(Generator gen) {
        return new Tensor[] {
            Init.kaimingUniform(Tensor.zeros(20, 10), gen),
            Init.xavierNormal(Tensor.zeros(10, 5), gen),
            Init.orthogonal(Tensor.zeros(5, 5), gen),
            Init.normal(Tensor.zeros(5), gen)};
    }

    @Test
    void aTrainableParameterIsFilledInPlaceAndItsVersionBumped() {
        Tensor w = Tensor.zeros(4, 3).requiresGrad(true);
        float[] storage = w.storage().floats();
        int before = w.storage().version();
        Init.kaimingUniform(w, new Generator(1));
        assertEquals(before + 1, w.storage().version());
        assertTrue(storage[0] != 0, "the parameter's own storage is written");
        assertTrue(w.isLeaf() && w.requiresGrad());
    }

    @Test
    void aStridedViewIsFilledInLogicalOrder() {
        Tensor base = Tensor.zeros(DType.FLOAT64, 3, 2);
        Tensor view = base.t();
        Init.uniform(view, 0, 1, new Generator(2));
        assertArrayEquals(uniformDraws(2, 6, 0, 1), view.toDoubleArray());
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(ShapeException.class, () -> Init.normal(Tensor.arange(3), new Generator(1)));
        assertEquals("normal: expects a floating tensor, got int64 of shape [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.uniform(Tensor.zeros(2), 1, 0, new Generator(1)));
        assertEquals("uniform: expects finite bounds a <= b, got a=1.0, b=0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(2), 0, -1, new Generator(1)));
        assertEquals("normal: expects a finite mean and a finite std >= 0, got mean=0.0, std=-1.0", e.getMessage());
        e = assertThrows(ShapeException.class, () -> Init.orthogonal(Tensor.zeros(4), new Generator(1)));
        assertEquals("orthogonal: only tensors with 2 or more dimensions are supported, got shape [4]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> Init.xavierUniform(Tensor.zeros(4), new Generator(1)));
        assertTrue(e.getMessage().startsWith("xavierUniform: fan in and fan out can not be computed"), e.getMessage());
    }

    @Test
    void emptyTensorsAreLeftAlone() {
        Tensor empty = Tensor.zeros(0, 5);
        Init.kaimingUniform(empty, new Generator(1));
        Init.xavierNormal(empty, new Generator(1));
        Init.orthogonal(empty, new Generator(1));
        assertEquals(0, empty.numel());
    }
}
