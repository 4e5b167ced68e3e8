package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Generator;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON writer that checkpoints use for optimizer, scheduler and loader state: what it writes
 * reads back to equal plain Java values, doubles bit for bit.
 */
class JsonWriterTest {
    @Test
    void nestedStateReadsBackEqual() {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("lr", 1e-3);
        group.put("betas", List.of(0.9, 0.999));
        group.put("amsgrad", false);
        group.put("params", List.of(0L, 1L, 2L));
        group.put("note", null);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("optimizer", "Adam \"quoted\" \\ tab\t newline\n \u0001 \u00e9 \ud83d\ude00");
        state.put("param_groups", List.of(group));
        state.put("seed", Long.MIN_VALUE);
        state.put("empty", List.of());
        state.put("none", Map.of());

        String text = Json.write(state);
        assertEquals(state, Json.read(text, null));
        assertEquals(text, Json.write(Json.read(text, null)));
    }

    @Test
    void doublesReadBackBitForBit() {
        Generator g = new Generator(11);
        List<Object> values = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE,
                -Double.MIN_NORMAL, 1e23, 2e-3, 0.1 + 0.2, 1.0 / 3));
        for (int i = 0; i < 2000; i++) {
            values.add(Double.longBitsToDouble(g.nextLong()));
        }
        values.removeIf(v -> !Double.isFinite((Double) v));
        Object back = Json.read(Json.write(values), null);
        List<?> list = (List<?>) back;
        for (int i = 0; i < values.size(); i++) {
            assertEquals(Double.doubleToRawLongBits((Double) values.get(i)),
                    Double.doubleToRawLongBits((Double) list.get(i)), "value " + values.get(i));
        }
    }

    @Test
    void integersStayIntegersAndFloatsAndArraysAreWidened() {
        Object back = Json.read(Json.write(Arrays.asList(3, (short) 4, 0.25f, new double[] {1.5}, new int[] {7},
                new long[] {8})), null);
        assertEquals(List.of(3L, 4L, 0.25, List.of(1.5), List.of(7L), List.of(8L)), back);
    }

    @Test
    void nonFiniteDoublesAreWrittenAsStrings() {
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\"]",
                Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    }

    @Test
    void unsupportedValuesAreNamedByTheirPath() {
        Map<String, Object> state = Map.of("param_groups", List.of(Map.of("lr", new BigDecimal("0.1"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(state));
        assertTrue(e.getMessage().contains("value.param_groups[0].lr is a java.math.BigDecimal"), e.getMessage());

        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
        assertTrue(key.getMessage().contains("keys must be strings"), key.getMessage());

        List<Object> deep = new ArrayList<>();
        List<Object> inner = deep;
        for (int i = 0; i < 20; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class, () -> Json.write(deep));
        assertTrue(depth.getMessage().contains("at most 16 levels"), depth.getMessage());

        assertThrows(IllegalArgumentException.class, () -> Json.write("lone \ud800 surrogate"));
    }

    @Test
    void malformedTextNamesTheSource() {
        Path source = Path.of("run", "last.safetensors");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Json.read("{\"lr\": 1e-3,}", source));
        assertTrue(e.getMessage().startsWith(source.toString()), e.getMessage());
    }
}
