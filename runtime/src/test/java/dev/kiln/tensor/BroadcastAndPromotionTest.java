package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ops.Ops;
import org.junit.jupiter.api.Test;

/** NumPy's broadcasting rules and Kiln's (PyTorch's) dtype promotion. */
class BroadcastAndPromotionTest {

    @Test
    void broadcastShapes() {
        assertArrayEquals(new int[] {3, 4}, Shapes.broadcast("t", new int[] {3, 1}, new int[] {1, 4}));
        assertArrayEquals(new int[] {2, 3, 4}, Shapes.broadcast("t", new int[] {2, 1, 4}, new int[] {3, 1}));
        assertArrayEquals(new int[] {5}, Shapes.broadcast("t", new int[] {}, new int[] {5}));
        assertArrayEquals(new int[] {0, 3}, Shapes.broadcast("t", new int[] {0, 1}, new int[] {3}));
        assertArrayEquals(new int[] {}, Shapes.broadcast("t", new int[] {}, new int[] {}));
        assertTrue(Shapes.canBroadcast(new int[] {2, 1}, new int[] {7, 1, 5}));
        assertFalse(Shapes.canBroadcast(new int[] {2, 3}, new int[] {4}));
        assertTrue(Shapes.broadcastsTo(new int[] {3, 1}, new int[] {2, 3, 4}));
        assertFalse(Shapes.broadcastsTo(new int[] {2, 3, 4}, new int[] {3, 4}));
    }

    @Test
    void broadcastErrorNamesTheOpShapesAndDimension() {
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.mul(Tensor.ones(2, 3), Tensor.ones(2)));
        assertEquals("mul: shapes [2, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)", e.getMessage());
    }

    @Test
    void broadcastValues() {
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 21, 31, 12, 22, 32}, col.add(row).toFloatArray());
        assertArrayEquals(new float[] {9, 19, 29, 8, 18, 28}, row.sub(col).toFloatArray());
    }

    @Test
    void promotionTable() {
        assertEquals(DType.FLOAT32, DType.promote(DType.FLOAT32, DType.INT64));
        assertEquals(DType.FLOAT64, DType.promote(DType.FLOAT32, DType.FLOAT64));
        assertEquals(DType.INT64, DType.promote(DType.INT32, DType.INT64));
        assertEquals(DType.FLOAT64, DType.promote(DType.INT64, DType.FLOAT64));
        assertEquals(DType.INT32, DType.promote(DType.INT32, DType.INT32));
    }

    @Test
    void opsFollowThePromotionRules() {
        Tensor f = Tensor.ones(2);
        Tensor d = Tensor.ones(DType.FLOAT64, 2);
        Tensor i = Tensor.ones(DType.INT64, 2);
        Tensor i32 = Tensor.ones(DType.INT32, 2);
        assertEquals(DType.FLOAT32, f.add(i).dtype());
        assertEquals(DType.FLOAT64, f.mul(d).dtype());
        assertEquals(DType.INT64, i.add(i32).dtype());
        assertEquals(DType.FLOAT32, i.div(i).dtype(), "true division of integers is floating");
        assertEquals(DType.INT64, i.mul(3).dtype(), "an integral scalar keeps an integer tensor integer");
        assertEquals(DType.FLOAT32, i.mul(0.5).dtype(), "a fractional scalar makes it float32");
        assertEquals(DType.FLOAT32, f.mul(1e300).dtype(), "a scalar never widens a floating tensor");
        assertEquals(DType.INT64, Ops.sub(5, i).dtype());
        assertEquals(DType.FLOAT32, i.exp().dtype());
        assertEquals(DType.INT64, i.neg().dtype());
        assertEquals(DType.FLOAT64, Ops.where(Tensor.ones(2), f, d).dtype());
        assertEquals(DType.FLOAT32, i.lt(0.5).dtype());
        assertArrayEquals(new float[] {0, 0}, i.lt(0.5).toFloatArray(), "1 < 0.5 is false: compared as float");
        assertArrayEquals(new float[] {1, 1}, i.ge(0.5).toFloatArray());
    }
}
