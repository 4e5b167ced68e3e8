package dev.kiln.compiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A compiled backward that is the last through its frame drops each saved tensor and child frame after
 * its last use; one that may run again keeps them all.
 */
class SavedValuesReleaseTest {

    /** The frame's saved tensors and child frames that are still held. */
    private static int held(Frame frame) throws IllegalAccessException {
        int n = 0;
        for (Field f : frame.getClass().getDeclaredFields()) {
            if (f.getType() == Tensor.class || f.getType() == Frame.class) {
                f.setAccessible(true);
                n += f.get(frame) == null ? 0 : 1;
            }
        }
        return n;
    }

    private static Tensor[] backward(Frame frame, Tensor gradOutput, List<Tensor> params, boolean last) {
        GradSink sink = new GradSink(params, last);
        Tensor[] inputGrads = frame.backward(gradOutput, sink);
        Tensor[] all = new Tensor[1 + params.size()];
        all[0] = inputGrads[0];
        System.arraycopy(sink.grads(), 0, all, 1, params.size());
        return all;
    }

    @Test
    void aLastBackwardDropsSavedValuesAsItGoesAndComputesTheSameGradients() throws Exception {
        Generator g = new Generator(11);
        TinyNet net = new TinyNet(g, DType.FLOAT64);
        CompiledModule<Module> compiled = net.compiledForward();
        assertNotNull(compiled);
        Tensor x = Tensor.randn(g, DType.FLOAT64, 3, 6);
        List<Tensor> params = net.parameters();
        Frame kept = compiled.forward(net, new Tensor[] {x}, new boolean[] {true});
        Frame freed = compiled.forward(net, new Tensor[] {x}, new boolean[] {true});
        int saved = held(kept);
        Tensor gradOutput = Tensor.randn(g, DType.FLOAT64, kept.output().shape());

        Tensor[] expected = backward(kept, gradOutput, params, false);
        Tensor[] actual = backward(freed, gradOutput, params, true);

        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i].toDoubleArray(), actual[i].toDoubleArray(), "gradient " + i);
        }
        assertEquals(saved, held(kept), "a backward that may run again keeps everything");
        assertTrue(saved >= 10, "TinyNet saves its activations and child frames, held " + saved);
        // What the first step's backward reads (fc1's frame) goes with the whole frame, after the call.
        assertTrue(held(freed) <= 2, "held after the last backward: " + held(freed) + " of " + saved);
    }

    @Test
    void theTapeKeepsSavedValuesForARetainedBackwardAndRefusesASecondOneWithout() {
        Generator g = new Generator(12);
        TinyNet net = new TinyNet(g, DType.FLOAT64);
        Tensor x = Tensor.randn(g, DType.FLOAT64, 3, 6).requiresGrad(true);
        Tensor y = net.apply(x).sum();
        y.backward(null, true, false);
        double[] first = x.grad().toDoubleArray();
        x.setGrad(null);
        y.backward(null, false, false);
        assertArrayEquals(first, x.grad().toDoubleArray(), "the retained frame ran again, whole");
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }
}
