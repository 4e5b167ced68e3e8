package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static Tensor withGrad(float[] grad) {
        Tensor p = Tensor.zeros(grad.length).requiresGrad(true);
        p.setGrad(Tensor.of(grad, grad.length));
        return p;
    }

    @Test
    void clipsTheOverallTwoNormAndReturnsItsValueBeforeClipping() {
        // By hand: sqrt(3^2 + 4^2 + 12^2) = 13; the factor is 6.5 / (13 + 1e-6).
        Tensor a = withGrad(new float[] {3, 4});
        Tensor b = withGrad(new float[] {12});
        double norm = GradClip.clipGradNorm(List.of(a, b), 6.5);
        assertEquals(13.0, norm, 1e-12);
        double f = 6.5 / (13 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * f), (float) (4 * f)}, a.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (12 * f)}, b.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsWithinTheLimitAreLeftAsTheyAre() {
        Tensor a = withGrad(new float[] {3, 4});
        Tensor g = a.grad();
        assertEquals(5.0, GradClip.clipGradNorm(List.of(a), 10), 1e-12);
        assertSame(g, a.grad());
    }

    @Test
    void otherNormTypes() {
        Tensor a = withGrad(new float[] {3, -4});
        Tensor b = withGrad(new float[] {-2});
        assertEquals(4.0, GradClip.clipGradNorm(List.of(a, b), 100, Double.POSITIVE_INFINITY), 1e-12);
        assertEquals(9.0, GradClip.clipGradNorm(List.of(a, b), 100, 1), 1e-12);
        assertEquals(Math.cbrt(27 + 64 + 8), GradClip.clipGradNorm(List.of(a, b), 100, 3), 1e-12);
        GradClip.clipGradNorm(List.of(a, b), 2, Double.POSITIVE_INFINITY);
        double f = 2 / (4 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * f), (float) (-4 * f)}, a.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void clippingReplacesTheGradientInsteadOfWritingIt() {
        Tensor shared = Tensor.of(new float[] {30, 40}, 2);
        Tensor a = Tensor.zeros(2).requiresGrad(true);
        a.setGrad(shared);
        GradClip.clipGradNorm(List.of(a), 1);
        assertArrayEquals(new float[] {30, 40}, shared.toFloatArray());
        assertEquals(1.0, Math.hypot(a.grad().get(0), a.grad().get(1)), 1e-5);
        a.setGrad(shared);
        GradClip.clipGradValue(List.of(a), 35);
        assertArrayEquals(new float[] {30, 40}, shared.toFloatArray());
        assertArrayEquals(new float[] {30, 35}, a.grad().toFloatArray());
    }

    @Test
    void aNonFiniteNormIsAnErrorOnlyWhenAskedFor() {
        Tensor a = withGrad(new float[] {Float.NaN, 1});
        var e = assertThrows(IllegalStateException.class, () -> GradClip.clipGradNorm(List.of(a), 1, 2, true));
        assertTrue(e.getMessage().startsWith("clipGradNorm: the total norm of order 2.0 of the gradients is NaN"),
                e.getMessage());
        assertEquals(1.0, a.grad().get(1), "the gradients are left alone on error");
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(a), 1)));
        assertTrue(Double.isNaN(a.grad().get(1)), "as in PyTorch, a NaN norm scales every gradient by NaN");
    }

    @Test
    void clipGradValueClampsEachElementAndKeepsNaN() {
        Tensor a = withGrad(new float[] {-5, -0.5f, 0.25f, 7, Float.NaN});
        GradClip.clipGradValue(List.of(a), 1);
        float[] g = a.grad().toFloatArray();
        assertArrayEquals(new float[] {-1, -0.5f, 0.25f, 1}, java.util.Arrays.copyOf(g, 4));
        assertTrue(Float.isNaN(g[4]));
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Tensor none = Tensor.zeros(2).requiresGrad(true);
        assertEquals(0.0, GradClip.clipGradNorm(List.of(none), 1));
        GradClip.clipGradValue(List.of(none), 1);
        assertNull(none.grad());
    }

    @Test
    void badLimitsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(), -1));
        assertEquals("clipGradNorm: max_norm must be a finite number >= 0, got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradValue(List.of(), Double.NaN));
        assertEquals("clipGradValue: clip_value must be a finite number >= 0, got NaN", e.getMessage());
    }
}
