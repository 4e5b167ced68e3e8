package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views share storage and copy nothing; reshape copies only when the strides force it. */
class TensorViewTest {
    private final Tensor base = Tensor.arange(DType.FLOAT32, 0, 24, 1).reshape(2, 3, 4);

    @Test
    void viewsShareStorage() {
        Tensor[] views = {
            base.transpose(0, 2), base.permute(2, 0, 1), base.slice(1, 0, 3, 2), base.select(0, 1),
            base.unsqueeze(1), base.reshape(6, 4), base.view(4, 6), base.flatten(), base.slice(2, 1, 2).squeeze(),
            base.select(2, 0).unsqueeze(-1).expand(2, 3, 5),
        };
        for (Tensor v : views) {
            assertSame(base.storage(), v.storage(), () -> "a view of shape " + java.util.Arrays.toString(v.shape()));
        }
    }

    @Test
    void writesThroughAViewAreVisibleInTheBase() {
        Tensor row = base.select(1, 2);
        row.fill(-1);
        assertEquals(-1, base.get(0, 2, 3));
        assertEquals(-1, base.get(1, 2, 0));
        assertEquals(7, base.get(0, 1, 3));
    }

    @Test
    void reshapeCopiesOnlyWhenNeeded() {
        Tensor transposed = base.transpose(1, 2);
        Tensor merged = transposed.reshape(2, 12);
        assertNotSame(base.storage(), merged.storage(), "a transposed tensor cannot be flattened in place");
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9}, java.util.Arrays.copyOf(merged.toFloatArray(), 6));
        assertSame(base.storage(), transposed.reshape(2, 2, 2, 3).storage(), "splitting a dimension needs no copy");
        ShapeException e = assertThrows(ShapeException.class, () -> transposed.view(2, 12));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
    }

    @Test
    void contiguousCopiesOnlyNonContiguousTensors() {
        assertSame(base, base.contiguous());
        Tensor t = base.transpose(0, 1);
        Tensor c = t.contiguous();
        assertNotSame(t.storage(), c.storage());
        assertTrue(c.isContiguous());
        assertArrayEquals(new int[] {3, 2, 4}, c.shape());
        assertEquals(t.get(2, 1, 3), c.get(2, 1, 3));
    }

    @Test
    void slicingWithStepsAndNegativeBounds() {
        Tensor v = Tensor.arange(DType.FLOAT32, 0, 10, 1);
        assertArrayEquals(new float[] {1, 4, 7}, v.slice(0, 1, 9, 3).toFloatArray());
        assertArrayEquals(new float[] {6, 7, 8}, v.slice(0, -4, -1).toFloatArray());
        assertArrayEquals(new float[] {0, 1}, v.slice(0, -100, 2).toFloatArray(), "bounds are clamped");
        assertEquals(0, v.slice(0, 7, 3).numel(), "an empty slice");
        Tensor m = base.slice(2, 1, 4, 2);
        assertArrayEquals(new int[] {2, 3, 2}, m.shape());
        assertArrayEquals(new int[] {12, 4, 2}, m.strides());
        assertEquals(1, m.offset());
        assertEquals(23, m.get(1, 2, 1));
        assertEquals(20, base.select(-1, 0).get(-1, -1));
    }

    @Test
    void expandUsesZeroStrides() {
        Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertArrayEquals(new int[] {0, 1, 0}, e.strides());
        assertEquals(3, e.get(1, 2, 3));
        assertSame(col, col.expand(-1, 1));
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor t = Tensor.zeros(1, 3, 1);
        assertArrayEquals(new int[] {3}, t.squeeze().shape());
        assertArrayEquals(new int[] {3, 1}, t.squeeze(0).shape());
        assertArrayEquals(new int[] {1, 3, 1}, t.squeeze(1).shape(), "a dimension that is not 1 stays");
        assertArrayEquals(new int[] {1, 3, 1, 1}, t.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {1}, Tensor.scalar(1).unsqueeze(0).shape());
        assertArrayEquals(new int[] {}, Tensor.zeros(1).squeeze().shape());
    }
}
