package dev.kiln.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleDTypeTest {

    private static Sequential model(Generator g) {
        return new Sequential(new Linear(4, 6, true, g, DType.FLOAT32), new BatchNorm1d(6), new ReLU(),
                new Linear(6, 3, true, g, DType.FLOAT32));
    }

    @Test
    void convertsFloatingParametersAndBuffersAndKeepsIntegerBuffers() {
        Sequential m = model(new Generator(1));
        Map<String, Tensor> before = m.stateDict();
        assertSame(m, m.to(DType.FLOAT64));
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            assertEquals(DType.FLOAT64, e.getValue().dtype(), e.getKey());
            assertTrue(e.getValue().requiresGrad(), e.getKey() + " keeps requiresGrad");
            assertTrue(e.getValue().isLeaf(), e.getKey() + " is a leaf");
            assertArrayEquals(before.get(e.getKey()).toDoubleArray(), e.getValue().toDoubleArray(), e.getKey());
        }
        Map<String, Tensor> buffers = m.namedBuffers();
        assertEquals(DType.FLOAT64, buffers.get("1.running_mean").dtype());
        assertEquals(DType.FLOAT64, buffers.get("1.running_var").dtype());
        assertEquals(DType.INT64, buffers.get("1.num_batches_tracked").dtype());
    }

    @Test
    void theConvertedModelComputesWhatTheFloatOneDidAndPassesAFloat64GradCheck() {
        Sequential m = model(new Generator(2));
        m.eval();
        Tensor x = Tensor.randn(new Generator(3), 5, 4);
        double[] expected = m.apply(x).toDoubleArray();
        m.toDouble();
        Tensor x64 = x.to(DType.FLOAT64).requiresGrad(true);
        double[] actual = m.apply(x64).toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "output " + i);
        }
        Tensor[] params = m.parameters().toArray(new Tensor[0]);
        GradCheck.check(in -> m.apply(in[0]), x64);
        GradCheck.check(in -> m.apply(x64), params);
        m.toFloat();
        assertEquals(DType.FLOAT32, m.apply(x).dtype());
    }

    @Test
    void aSharedLayerStaysSharedAndGradientsAreConverted() {
        Linear shared = new Linear(3, 3, true, new Generator(4), DType.FLOAT32);
        Sequential m = new Sequential(shared, new ReLU(), shared);
        shared.weight().setGrad(Tensor.ones(DType.FLOAT32, 3, 3));
        m.to(DType.FLOAT64);
        assertEquals(2, m.parameters().size(), "weight and bias, each once");
        assertSame(((Linear) m.get(0)).weight(), ((Linear) m.get(2)).weight());
        Tensor grad = shared.weight().grad();
        assertEquals(DType.FLOAT64, grad.dtype());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, grad.toDoubleArray());
    }

    @Test
    void anIntegerDtypeIsRefusedAndChangesNothing() {
        Sequential m = model(new Generator(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.to(DType.INT64));
        assertEquals("Sequential.to: a module's parameters need a floating-point dtype, got int64", e.getMessage());
        for (Tensor p : m.parameters()) {
            assertEquals(DType.FLOAT32, p.dtype());
        }
    }
}
