package dev.kiln.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** GradCheck itself: it passes correct gradients and names the input and element of a wrong one. */
class GradCheckTest {
    private final Generator gen = new Generator(11);

    private Tensor input(int... shape) {
        return Tensor.randn(gen, DType.FLOAT64, shape).requiresGrad(true);
    }

    /** x^2 computed correctly, with a backward that is off by {@code factor} at element {@code bad}. */
    private static Tensor squareWithWrongBackward(Tensor x, int bad, double factor) {
        Tensor out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = x.mul(x);
        }
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("brokenSquare", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    double[] scale = new double[x.numel()];
                    java.util.Arrays.fill(scale, 2);
                    scale[bad] = 2 * factor;
                    return new Tensor[] {g.mul(x).mul(Tensor.of(scale, x.shape()))};
                }
            });
        }
        return out;
    }

    /** x^3 with a first derivative that is right but not differentiable (x is used detached). */
    private static Tensor cubeWithDetachedBackward(Tensor x) {
        Tensor out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = x.mul(x).mul(x);
        }
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("detachedCube", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.mul(x.detach().mul(x.detach()).mul(3))};
                }
            });
        }
        return out;
    }

    @Test
    void passesForCorrectGradients() {
        Tensor x = input(3, 4);
        Tensor w = input(4, 2);
        GradCheck.check(in -> in[0].matmul(in[1]).tanh(), x, w);
        GradCheck.checkSecondOrder(in -> in[0].matmul(in[1]).tanh(), x, w);
    }

    @Test
    void namesTheInputAndElementOfAWrongGradient() {
        Tensor a = input(2);
        Tensor x = input(2, 3);
        GradCheckException e = assertThrows(GradCheckException.class,
                () -> GradCheck.check(in -> in[0].sum().add(squareWithWrongBackward(in[1], 4, 1.5)), a, x));
        assertEquals(1, e.inputIndex());
        assertArrayEquals(new int[] {1, 1}, e.element());
        assertEquals(2 * 1.5 * x.get(1, 1), e.analytical(), 1e-9);
        assertEquals(2 * x.get(1, 1), e.numerical(), 1e-5);
        String m = e.getMessage();
        assertTrue(m.contains("input 1") && m.contains("[1, 1]") && m.contains("analytical")
                && m.contains("numerical"), m);
    }

    @Test
    void catchesASmallRelativeErrorWithTightTolerances() {
        Tensor x = input(3);
        GradCheck.Options tight = GradCheck.Options.defaults().withAtol(1e-8).withRtol(1e-6);
        assertThrows(GradCheckException.class, () -> GradCheck.check(tight, in -> squareWithWrongBackward(in[0], 0,
                1.0001), x));
    }

    @Test
    void largeOutputsAreComparedAlongRandomDirections() {
        Tensor x = input(20, 20);
        GradCheck.Options few = GradCheck.Options.defaults().withSeed(3);
        GradCheck.check(new GradCheck.Options(1e-6, 1e-5, 1e-3, 16, 3, false, 5), in -> in[0].exp(), x);
        GradCheckException e = assertThrows(GradCheckException.class, () -> GradCheck.check(
                new GradCheck.Options(1e-6, 1e-5, 1e-3, 16, 3, false, 5), in -> squareWithWrongBackward(in[0], 7,
                        2), x));
        assertTrue(e.getMessage().contains("random output direction"), e.getMessage());
        assertArrayEquals(new int[] {0, 7}, e.element());
        GradCheck.check(few, in -> in[0].sum(), x);
    }

    @Test
    void fastModeDetectsAWrongGradientWithoutNamingTheElement() {
        Tensor x = input(4, 5);
        GradCheck.Options fast = GradCheck.Options.defaults().withFastMode(true);
        GradCheck.check(fast, in -> in[0].sigmoid().mul(in[0]), x);
        GradCheckException e = assertThrows(GradCheckException.class,
                () -> GradCheck.check(fast, in -> squareWithWrongBackward(in[0], 3, 3), x));
        assertEquals(-1, e.inputIndex());
        assertTrue(e.getMessage().contains("fast mode"), e.getMessage());
    }

    @Test
    void secondOrderCatchesABackwardThatIsNotDifferentiable() {
        Tensor x = input(3);
        GradCheck.check(in -> cubeWithDetachedBackward(in[0]), x);
        GradCheckException e = assertThrows(GradCheckException.class,
                () -> GradCheck.checkSecondOrder(in -> cubeWithDetachedBackward(in[0]), x));
        assertEquals(0, e.inputIndex());
        assertTrue(e.getMessage().contains("second order"), e.getMessage());
    }

    @Test
    void inputsAreRestoredExactly() {
        Tensor x = input(2, 3);
        double[] before = x.toDoubleArray();
        GradCheck.check(in -> in[0].exp().sum(), x);
        GradCheck.checkSecondOrder(in -> in[0].exp().sum(), x);
        assertArrayEquals(before, x.toDoubleArray(), 0);
    }

    @Test
    void nonContiguousInputsAndConstantInputsAreSupported() {
        Tensor base = Tensor.randn(gen, DType.FLOAT64, 4, 3);
        Tensor xt = new Tensor(base.storage(), new int[] {3, 4}, new int[] {1, 3}, 0).requiresGrad(true);
        Tensor mask = Tensor.of(new double[] {1, 0, 1, 0}, 4);
        Tensor index = Tensor.of(new long[] {2, 0}, 2);
        GradCheck.check(in -> in[0].mul(in[1]).indexSelect(1, in[2]), xt, mask, index);
    }

    @Test
    void rejectsFloat32Inputs() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].exp(), x));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void rejectsInputsWithoutGrad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].exp(), Tensor.ones(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("requiresGrad"), e.getMessage());
    }

    @Test
    void rejectsExpandedInputs() {
        Tensor x = Tensor.ones(DType.FLOAT64, 3, 1);
        Tensor expanded = new Tensor(x.storage(), new int[] {3, 4}, new int[] {1, 0}, 0).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].exp(), expanded));
        assertTrue(e.getMessage().contains("share memory"), e.getMessage());
    }

    @Test
    void rejectsNonFloatingOutputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in[0].argmax(0, false), input(3)));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withEps(0));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.Options.defaults().withAtol(-1));
    }
}
