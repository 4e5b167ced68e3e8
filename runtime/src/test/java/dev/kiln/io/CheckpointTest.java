package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryPart() {
        Generator g = new Generator(11);
        g.nextLong();
        LinkedHashMap<String, Tensor> model = new LinkedHashMap<>();
        model.put("fc1.weight", Tensor.randn(g, 4, 3));
        model.put("bn.num_batches_tracked", Tensor.of(new long[] {12}, 1));
        Map<String, Tensor> optim = Map.of("state.0.exp_avg", Tensor.randn(g, 4, 3));
        Map<String, Number> optimValues = new LinkedHashMap<>();
        optimValues.put("step", 120L);
        optimValues.put("lr", 1e-3);
        optimValues.put("eps", 1e-8f);
        optimValues.put("neg_zero", -0.0);
        optimValues.put("nan", Double.NaN);
        optimValues.put("inf", Double.NEGATIVE_INFINITY);
        optimValues.put("tiny", Double.MIN_VALUE);
        optimValues.put("max", Long.MIN_VALUE);
        Map<String, Number> sched = Map.of("last_epoch", 3, "base_lr", 0.1);
        Path p = dir.resolve("last.safetensors");
        Checkpoint.builder().model(model).optimizer(optim, optimValues).scheduler(sched).rng(g.state()).epoch(3)
                .position(17).metadata("run", "mnist \u2713").build().save(p);

        Checkpoint c = Checkpoint.load(p);
        assertEquals(List.copyOf(model.keySet()), List.copyOf(c.model().keySet()));
        assertArrayEquals(model.get("fc1.weight").toFloatArray(), c.model().get("fc1.weight").toFloatArray());
        assertArrayEquals(new long[] {12}, c.model().get("bn.num_batches_tracked").toLongArray());
        assertArrayEquals(optim.get("state.0.exp_avg").toFloatArray(),
                c.optimizerTensors().get("state.0.exp_avg").toFloatArray());
        assertEquals(120L, c.optimizerValues().get("step"));
        assertEquals(Long.MIN_VALUE, c.optimizerValues().get("max"));
        for (String k : List.of("lr", "neg_zero", "nan", "inf", "tiny")) {
            assertEquals(Double.doubleToRawLongBits(optimValues.get(k).doubleValue()),
                    Double.doubleToRawLongBits((Double) c.optimizerValues().get(k)), k);
        }
        assertEquals((double) 1e-8f, c.optimizerValues().get("eps"));
        assertEquals(Map.of("last_epoch", 3L, "base_lr", 0.1), c.schedulerValues());
        assertArrayEquals(g.state(), c.rngState());
        assertEquals(3, c.epoch());
        assertEquals(17, c.position());
        assertEquals(Map.of("run", "mnist \u2713"), c.metadata());
    }

    @Test
    void theModelPartIsAPlainStateDictUnderThePrefix() {
        Path p = dir.resolve("c.safetensors");
        Checkpoint.builder().model(Map.of("fc.bias", Tensor.ones(2))).build().save(p);
        SafeTensors.Contents raw = SafeTensors.read(p);
        assertEquals(List.of("model.fc.bias"), List.copyOf(raw.tensors().keySet()));
        assertEquals("0", raw.metadata().get("kiln.epoch"));
    }

    @Test
    void rejectsPlainSafetensorsAndForeignKeys() {
        Path p = dir.resolve("plain.safetensors");
        SafeTensors.write(p, Map.of("w", Tensor.ones(1)));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().contains("kiln.checkpoint") && e.getMessage().contains(p.toString()));

        SafeTensors.write(p, Map.of("w", Tensor.ones(1)), Map.of("kiln.checkpoint", "1", "kiln.epoch", "0",
                "kiln.position", "0", "kiln.rng", ""));
        assertTrue(assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p)).getMessage()
                .contains("tensor \"w\" has neither prefix"));

        SafeTensors.write(p, Map.of(), Map.of("kiln.checkpoint", "1", "kiln.epoch", "-1", "kiln.position", "0",
                "kiln.rng", ""));
        assertTrue(assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p)).getMessage()
                .contains("non-negative integer"));

        SafeTensors.write(p, Map.of(), Map.of("kiln.checkpoint", "1", "kiln.epoch", "0", "kiln.position", "0",
                "kiln.rng", "1,x"));
        assertTrue(assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p)).getMessage()
                .contains("kiln.rng"));

        SafeTensors.write(p, Map.of(), Map.of("kiln.checkpoint", "1", "kiln.epoch", "0", "kiln.position", "0",
                "kiln.rng", "", "kiln.optim.lr", "0x1p3"));
        assertTrue(assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p)).getMessage()
                .contains("expected an integer or a decimal number"));

        SafeTensors.write(p, Map.of(), Map.of("kiln.checkpoint", "2", "kiln.epoch", "0", "kiln.position", "0",
                "kiln.rng", ""));
        assertTrue(assertThrows(SafeTensorsException.class, () -> Checkpoint.load(p)).getMessage()
                .contains("format version 2"));
    }

    @Test
    void reservesTheKilnMetadataPrefixAndOddNumberTypes() {
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder().metadata("kiln.epoch", "9"));
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.builder().scheduler(Map.of("x", new java.math.BigDecimal("1.5"))));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder().epoch(-1));
    }
}
