package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Factory functions, element access and item(). */
class TensorCreationTest {

    @Test
    void zerosOnesAndFull() {
        Tensor z = Tensor.zeros(2, 3);
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertEquals(DType.FLOAT32, z.dtype());
        assertArrayEquals(new float[6], z.toFloatArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.FLOAT64, 2).toDoubleArray());
        assertArrayEquals(new long[] {7, 7, 7}, Tensor.full(DType.INT64, 7, 3).toLongArray());
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertEquals(2.5, s.item());
        assertEquals(0, Tensor.zeros(3, 0).numel());
    }

    @Test
    void arangeLikePyTorch() {
        Tensor a = Tensor.arange(4);
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3}, a.toLongArray());
        assertArrayEquals(new double[] {1, 1.5, 2, 2.5}, Tensor.arange(DType.FLOAT64, 1, 3, 0.5).toDoubleArray());
        assertArrayEquals(new double[] {3, 2, 1}, Tensor.arange(DType.FLOAT64, 3, 0, -1).toDoubleArray());
        assertEquals(0, Tensor.arange(DType.FLOAT32, 5, 0, 1).numel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.arange(DType.FLOAT32, 0, 1, 0));
        assertTrue(e.getMessage().contains("arange"), e.getMessage());
    }

    @Test
    void eyeIsTheIdentity() {
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toFloatArray());
    }

    @Test
    void randomFactoriesAreSeededAndInRange() {
        Tensor a = Tensor.rand(new Generator(5), 1000);
        Tensor b = Tensor.rand(new Generator(5), 1000);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0);
        for (float v : a.toFloatArray()) {
            assertTrue(v >= 0 && v < 1, "rand in [0, 1): " + v);
        }
        assertNotEquals(a.get(0), Tensor.rand(new Generator(6), 1000).get(0));
        double[] n = Tensor.randn(new Generator(1), DType.FLOAT64, 20_000).toDoubleArray();
        double mean = 0;
        double sq = 0;
        for (double v : n) {
            mean += v;
            sq += v * v;
        }
        mean /= n.length;
        double std = Math.sqrt(sq / n.length - mean * mean);
        assertEquals(0, mean, 0.03);
        assertEquals(1, std, 0.03);
        Tensor r = Tensor.randint(new Generator(2), -3, 4, 500);
        assertEquals(DType.INT64, r.dtype());
        boolean sawLow = false;
        boolean sawHigh = false;
        for (long v : r.toLongArray()) {
            assertTrue(v >= -3 && v < 4, "randint in [-3, 4): " + v);
            sawLow |= v == -3;
            sawHigh |= v == 3;
        }
        assertTrue(sawLow && sawHigh, "randint reaches both ends");
        assertThrows(IllegalArgumentException.class, () -> Tensor.randint(new Generator(2), 3, 3, 2));
    }

    @Test
    void generatorStateRoundTrips() {
        Generator g = new Generator(42);
        g.nextLong();
        long[] state = g.state();
        double first = g.nextGaussian();
        g.setState(state);
        assertEquals(first, g.nextGaussian());
        assertThrows(IllegalArgumentException.class, () -> g.setState(new long[3]));
    }

    @Test
    void ofCopiesAndChecksTheLength() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 100;
        assertEquals(1, t.get(0, 0));
        ShapeException e = assertThrows(ShapeException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"), e.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void getAcceptsNegativeIndicesAndChecksRanges() {
        Tensor t = Tensor.arange(DType.FLOAT32, 0, 6, 1).reshape(2, 3);
        assertEquals(5, t.get(-1, -1));
        assertEquals(3, t.get(1, 0));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertTrue(e.getMessage().contains("index 2") && e.getMessage().contains("size 2"), e.getMessage());
        ShapeException rank = assertThrows(ShapeException.class, () -> t.get(1));
        assertTrue(rank.getMessage().contains("[2, 3]"), rank.getMessage());
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertEquals(4, Tensor.full(4, 1, 1).item());
        assertEquals(4, Tensor.full(4).item());
        ShapeException e = assertThrows(ShapeException.class, () -> Tensor.ones(2, 3).item());
        assertTrue(e.getMessage().contains("item") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Tensor.zeros(0).item());
    }

    @Test
    void sizesStridesAndContiguity() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertEquals(4, t.size(-1));
        assertArrayEquals(new int[] {12, 4, 1}, t.strides());
        assertTrue(t.isContiguous());
        assertFalse(t.transpose(0, 2).isContiguous());
        assertTrue(Tensor.zeros(3, 1).t().isContiguous(), "size-1 dimensions do not break contiguity");
        ShapeException e = assertThrows(ShapeException.class, () -> t.size(3));
        assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
    }

    @Test
    void requiresGradOnlyOnFloatingTensors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.INT64, 2).requiresGrad(true));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
        Tensor x = Tensor.ones(2).requiresGrad(true);
        ShapeException grad = assertThrows(ShapeException.class, () -> x.setGrad(Tensor.ones(3)));
        assertTrue(grad.getMessage().contains("[3]") && grad.getMessage().contains("[2]"), grad.getMessage());
        assertThrows(IllegalStateException.class, () -> x.mul(2).requiresGrad(false));
    }

    @Test
    void conversions() {
        Tensor t = Tensor.of(new float[] {1.7f, -2.5f}, 2);
        assertSame(t, t.to(DType.FLOAT32));
        assertArrayEquals(new long[] {1, -2}, t.to(DType.INT64).toLongArray(), "float to int truncates");
        assertArrayEquals(new int[] {1, -2}, t.toIntArray());
        Tensor c = t.copy();
        assertNotEquals(t.storage(), c.storage());
        assertArrayEquals(t.toFloatArray(), c.toFloatArray());
    }
}
