package dev.kiln.nn.layers;

import static dev.kiln.nn.layers.LinearConvLayersTest.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.nn.Dropout;
import dev.kiln.nn.Embedding;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropoutEmbeddingLayersTest {

    @Test
    void dropoutDropsOnlyInTraining() {
        Dropout dropout = new Dropout(0.5, new Generator(1));
        assertEquals(List.of(), keys(dropout));
        Tensor x = Tensor.ones(1000);
        float[] train = dropout.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : train) {
            zeros += v == 0 ? 1 : 0;
            assertEquals(v == 0 ? 0 : 2, v, 0);
        }
        assertNotEquals(0, zeros);
        dropout.eval();
        assertSame(x, dropout.forward(x));
        dropout.train();
        assertNotEquals(0, dropout.forward(x).sub(x).abs().sum().item());
        assertEquals("Dropout(p=0.5)", dropout.toString());
    }

    @Test
    void dropoutMasksRepeatFromTheSameSeed() {
        Tensor x = Tensor.ones(64);
        assertArrayEquals(new Dropout(0.3, new Generator(9)).forward(x).toFloatArray(),
                new Dropout(0.3, new Generator(9)).forward(x).toFloatArray());
    }

    @Test
    void embeddingHasPyTorchsKeyAndAZeroPaddingRow() {
        Embedding emb = new Embedding(10, 4, 0);
        assertEquals(List.of("weight"), keys(emb));
        assertArrayEquals(new int[] {10, 4}, emb.weight().shape());
        assertArrayEquals(new float[4], emb.weight().select(0, 0).toFloatArray());
        Embedding last = new Embedding(10, 4, -1);
        assertArrayEquals(new float[4], last.weight().select(0, 9).toFloatArray());
        assertEquals("Embedding(10, 4, padding_idx=9)", last.toString());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(10, 4, 10));
    }

    @Test
    void embeddingLooksUpRowsAndTrainsAllButThePaddingRow() {
        Embedding emb = new Embedding(5, 3, 0, new Generator(2), DType.FLOAT32);
        Tensor idx = Tensor.of(new long[] {0, 2, 2, 4}, 2, 2);
        Tensor y = emb.forward(idx);
        assertArrayEquals(new int[] {2, 2, 3}, y.shape());
        assertArrayEquals(emb.weight().select(0, 2).toFloatArray(), y.select(0, 1).select(0, 0).toFloatArray());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1}, emb.weight().grad().toFloatArray());
    }

    @Test
    void embeddingWithoutAPaddingIndexKeepsEveryRowTrainable() {
        Embedding emb = new Embedding(10, 4);
        Tensor rows = emb.forward(Tensor.of(new long[] {0, 9}, 2));
        assertArrayEquals(new int[] {2, 4}, rows.shape());
        rows.sum().backward();
        assertEquals(8.0, emb.weight().grad().sum().item(), 1e-6, "both looked-up rows receive a gradient");
    }
}
