package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetsTest {
    static TensorDataset numbered(int n) {
        // Input row i holds i, i+0.5, i+0.25; target i is 10*i, so rows are easy to recognise.
        float[] x = new float[n * 3];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[3 * i] = i;
            x[3 * i + 1] = i + 0.5f;
            x[3 * i + 2] = i + 0.25f;
            y[i] = 10L * i;
        }
        return new TensorDataset(Tensor.of(x, n, 3), Tensor.of(y, n));
    }

    @Test
    void tensorDatasetGathersRowsIntoContiguousBatches() {
        TensorDataset d = numbered(6);
        Batch b = d.batch(new int[] {4, 0, 4});
        assertArrayEquals(new int[] {3, 3}, b.input().shape());
        assertTrue(b.input().isContiguous());
        assertArrayEquals(new float[] {4, 4.5f, 4.25f, 0, 0.5f, 0.25f, 4, 4.5f, 4.25f}, b.input().toFloatArray());
        assertArrayEquals(new long[] {40, 0, 40}, b.target().toLongArray());
        assertEquals(3, b.size());
        Example e = d.get(5);
        assertArrayEquals(new float[] {5, 5.5f, 5.25f}, e.input().toFloatArray());
        assertEquals(0, e.target().dim());
        assertEquals(50, e.target().item());
    }

    @Test
    void tensorDatasetAcceptsViewsAndEveryDType() {
        Tensor x = Tensor.arange(DType.FLOAT64, 0, 12, 1).reshape(3, 4).t(); // [4, 3], not contiguous
        Tensor y = Tensor.of(new int[] {7, 8, 9, 10}, 4);
        Batch b = new TensorDataset(x, y).batch(new int[] {1, 3});
        assertArrayEquals(new double[] {1, 5, 9, 3, 7, 11}, b.input().toDoubleArray());
        assertArrayEquals(new int[] {8, 10}, b.target().toIntArray());
    }

    @Test
    void tensorDatasetChecksShapesAndIndices() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(DType.INT64, 5)));
        assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("(4 != 5)"), e.getMessage());
        assertThrows(ShapeException.class, () -> new TensorDataset(Tensor.scalar(1), Tensor.zeros(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> numbered(3).batch(new int[] {0, 3}));
        assertThrows(IndexOutOfBoundsException.class, () -> numbered(3).get(-1));
    }

    @Test
    void randpermIsAPermutationAndSeeded() {
        int[] p = Datasets.randperm(1000, new Generator(1));
        assertArrayEquals(p, Datasets.randperm(1000, new Generator(1)));
        assertFalse(Arrays.equals(p, Datasets.randperm(1000, new Generator(2))));
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void randomSplitPartitionsTheDataset() {
        TensorDataset d = numbered(10);
        List<Subset<Example>> parts = Datasets.randomSplit(d, new int[] {7, 3}, new Generator(42));
        assertEquals(7, parts.get(0).size());
        assertEquals(3, parts.get(1).size());
        boolean[] seen = new boolean[10];
        for (Subset<Example> s : parts) {
            for (int i = 0; i < s.size(); i++) {
                int src = s.sourceIndex(i);
                assertFalse(seen[src]);
                seen[src] = true;
                assertEquals(10L * src, (long) s.get(i).target().item());
            }
        }
        assertArrayEquals(parts.get(0).indices(),
                Datasets.randomSplit(d, new int[] {7, 3}, new Generator(42)).get(0).indices());
    }

    @Test
    void randomSplitByFractionsGivesTheRemainderRoundRobinLikePyTorch() {
        List<Subset<Example>> parts = Datasets.randomSplit(numbered(10), new double[] {0.25, 0.25, 0.5}, new Generator(0));
        assertEquals(List.of(3, 2, 5), parts.stream().map(Subset::size).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(numbered(10), new int[] {5, 4}, new Generator(0)));
        assertTrue(e.getMessage().contains("add up to 9 but the dataset has 10"));
        assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(numbered(10), new double[] {0.5, 0.6}, new Generator(0)));
    }

    @Test
    void stackCollateBuildsBatchesFromAnyExamples() {
        TensorDataset d = numbered(4);
        Batch b = Collate.stack().collate(List.of(d.get(2), d.get(1)));
        assertArrayEquals(new int[] {2, 3}, b.input().shape());
        assertArrayEquals(new long[] {20, 10}, b.target().toLongArray());
    }
}
