package dev.kiln.examples.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.examples.models.SequenceClassifier.Cell;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.RnnOutput;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SequenceClassifierTest {

    @ParameterizedTest
    @EnumSource(Cell.class)
    void readsImagesRowByRowIntoLogitsAndTrainsEveryParameter(Cell cell) {
        SequenceClassifier net = new SequenceClassifier(cell, 28, 8, 10, new Generator(1));
        Tensor images = Tensor.rand(new Generator(2), 3, 1, 28, 28);
        Tensor logits = net.forward(images);
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        logits.sum().backward();
        for (var p : net.namedParameters().entrySet()) {
            assertNotNull(p.getValue().grad(), p.getKey() + " got no gradient");
        }
        // Flat rows of 784 are the same 28 steps.
        assertArrayEquals(logits.toFloatArray(), net.forward(images.reshape(3, 784)).toFloatArray());
    }

    @Test
    void theBidirectionalHeadSeesTheForwardLastStepAndTheReverseFirstStep() {
        SequenceClassifier net = new SequenceClassifier(Cell.BILSTM, 5, 4, 3, new Generator(3));
        Tensor x = Tensor.randn(new Generator(4), 2, 6, 5);
        RnnOutput full = ((LSTM) net.rnn).forwardWithState(x, null, null);
        // output is [N, T, 2·hidden]: the forward half is final at t = T-1, the reverse half at t = 0.
        Tensor forwardLast = full.output().select(1, 5).slice(1, 0, 4);
        Tensor reverseFirst = full.output().select(1, 0).slice(1, 4, 8);
        Tensor expected = net.head.forward(Ops.concat(List.of(forwardLast, reverseFirst), 1));
        assertArrayEquals(expected.toFloatArray(), net.forward(x).toFloatArray(), 1e-6f);
        assertEquals(8, net.head.inFeatures());
    }

    @Test
    void anInputThatIsNotRowsOfTheFeatureSizeIsNamed() {
        SequenceClassifier net = new SequenceClassifier(Cell.LSTM, 28, 4, 10, new Generator(5));
        ShapeException e = assertThrows(ShapeException.class, () -> net.forward(Tensor.zeros(2, 30)));
        assertTrue(e.getMessage().contains("[2, 30] cannot be read as [N, T, 28]"), e.getMessage());
    }
}
