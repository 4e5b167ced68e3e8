package dev.kiln.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.AdaptiveAvgPool2d;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.Identity;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearConvLayersTest {

    static List<String> keys(Module m) {
        return List.copyOf(m.stateDict().keySet());
    }

    static void assertWithin(Tensor t, double bound) {
        for (double v : t.toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound, v + " is outside +-" + bound);
        }
    }

    @Test
    void linearHasPyTorchsKeysShapesAndInitialization() {
        Linear fc = new Linear(784, 200);
        assertEquals(List.of("weight", "bias"), keys(fc)); // nn.Linear(784, 200).state_dict().keys()
        assertArrayEquals(new int[] {200, 784}, fc.weight().shape());
        assertArrayEquals(new int[] {200}, fc.bias().shape());
        assertWithin(fc.weight(), 1 / Math.sqrt(784));
        assertWithin(fc.bias(), 1 / Math.sqrt(784));
        assertTrue(fc.weight().requiresGrad());
        assertEquals(List.of("weight"), keys(new Linear(3, 2, false)));
        assertNull(new Linear(3, 2, false).bias());
        assertEquals("Linear(in_features=784, out_features=200, bias=True)", fc.toString());
    }

    @Test
    void linearComputesXTimesWTransposedPlusB() {
        Linear fc = new Linear(3, 2);
        fc.loadStateDict(Map.of("weight", Tensor.of(new float[][] {{1, 2, 3}, {0, -1, 1}}), "bias",
                Tensor.vector(0.5f, -1)));
        Tensor y = fc.forward(Tensor.of(new float[][] {{1, 1, 1}, {2, 0, -1}}));
        assertArrayEquals(new float[] {6.5f, -1, -0.5f, -2}, y.toFloatArray());
        // Leading dimensions pass through: [2, 2, 3] -> [2, 2, 2].
        assertArrayEquals(new int[] {2, 2, 2}, fc.forward(Tensor.ones(2, 2, 3)).shape());
    }

    @Test
    void initializationIsReproducibleFromAGenerator() {
        Linear a = new Linear(5, 4, true, new Generator(11), DType.FLOAT32);
        Linear b = new Linear(5, 4, true, new Generator(11), DType.FLOAT32);
        assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray());
        assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray());
    }

    @Test
    void linearGradientsMatchCentralDifferences() {
        Linear fc = new Linear(4, 3, true, new Generator(1), DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(2), DType.FLOAT64, 2, 4).requiresGrad(true);
        GradCheck.check(in -> fc.forward(in[0]).tanh(), x, fc.weight(), fc.bias());
    }

    @Test
    void conv2dHasPyTorchsKeysShapesAndInitialization() {
        Conv2d conv = new Conv2d(16, 32, 3, 1, 1);
        assertEquals(List.of("weight", "bias"), keys(conv));
        assertArrayEquals(new int[] {32, 16, 3, 3}, conv.weight().shape());
        assertWithin(conv.weight(), 1 / Math.sqrt(16 * 9));
        assertWithin(conv.bias(), 1 / Math.sqrt(16 * 9));
        Conv2d grouped = new Conv2d(4, 8, 3, 2, 1, 1, 2, false);
        assertEquals(List.of("weight"), keys(grouped));
        assertArrayEquals(new int[] {8, 2, 3, 3}, grouped.weight().shape());
        assertEquals("Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", conv.toString());
        assertEquals("Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False)",
                grouped.toString());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true));
    }

    @Test
    void conv2dForwardIsTheFunctionalConvolutionWithItsSettings() {
        Conv2d conv = new Conv2d(2, 4, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, true,
                new Generator(3), DType.FLOAT32);
        Tensor x = Tensor.randn(new Generator(4), 3, 2, 7, 6);
        Tensor y = conv.forward(x);
        Tensor expected = F.conv2d(x, conv.weight(), conv.bias(), new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2},
                2);
        assertArrayEquals(new int[] {3, 4, 4, 4}, y.shape());
        assertArrayEquals(expected.toFloatArray(), y.toFloatArray());
    }

    @Test
    void conv2dGradientsMatchCentralDifferences() {
        Conv2d conv = new Conv2d(2, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true,
                new Generator(5), DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(6), DType.FLOAT64, 2, 2, 4, 4).requiresGrad(true);
        GradCheck.check(in -> conv.forward(in[0]), x, conv.weight(), conv.bias());
    }

    @Test
    void poolingFlattenAndIdentityHaveNoStateAndTheDocumentedShapes() {
        Tensor x = Tensor.randn(new Generator(7), 2, 3, 28, 28);
        MaxPool2d pool = new MaxPool2d(3, 2, 1);
        assertEquals(List.of(), keys(pool));
        assertArrayEquals(new int[] {2, 3, 14, 14}, pool.forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 14, 14}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 9, 9}, new AvgPool2d(3).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 1, 1}, new AdaptiveAvgPool2d(1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3 * 28 * 28}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2 * 3, 28, 28}, new Flatten(0, 1).forward(x).shape());
        assertEquals(x, new Identity().forward(x));
        assertEquals("MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1), ceil_mode=False)",
                pool.toString());
    }

    @Test
    void layersReportBadInputsByTheirShapes() {
        ShapeException e = assertThrows(ShapeException.class, () -> new Linear(784, 10).forward(Tensor.zeros(2, 100)));
        assertEquals("linear: input of shape [2, 100] must end in in_features = 784 (weight of shape [10, 784])",
                e.getMessage());
        ShapeException c = assertThrows(ShapeException.class, () -> new Conv2d(3, 8, 3).forward(Tensor.zeros(2, 1, 8, 8)));
        assertTrue(c.getMessage().startsWith("conv2d: weight of shape [8, 3, 3, 3] expects 3 input channels"),
                c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3));
    }
}
