package com.example.tiny;

import static dev.kiln.ops.Ops.square;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user's tests, unchanged: they pass through Kiln's reflective fallback, which warns. */
class TinyMlpTest {

    @Test
    void parametersHavePyTorchNames() {
        TinyMlp model = new TinyMlp(4, 8, 1, new Generator(7));

        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                List.copyOf(model.namedParameters().keySet()));
    }

    @Test
    void aFewStepsOfSgdReduceTheLoss() {
        Generator generator = new Generator(42);
        TinyMlp model = new TinyMlp(4, 16, 1, generator);
        Tensor x = Tensor.randn(generator, 64, 4);
        Tensor y = x.sum(1, true).mul(0.5);

        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 40; step++) {
            model.zeroGrad();
            Tensor loss = square(model.forward(x).sub(y)).mean();
            loss.backward();
            try (GradMode.Scope noGrad = GradMode.noGrad()) {
                for (Tensor p : model.parameters()) {
                    p.copyFrom(p.sub(p.grad().mul(0.05)));
                }
            }
            last = loss.item();
            if (step == 0) {
                first = last;
            }
        }
        assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
    }
}
