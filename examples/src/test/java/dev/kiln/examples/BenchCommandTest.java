package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ./kiln bench}: the DESIGN.md workloads, run short, and the RESULT lines they print. */
class BenchCommandTest {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\[[^]]*]|\\S+)");

    @ParameterizedTest
    @ValueSource(strings = {"W1", "W2", "W3"})
    void aTrainingWorkloadPrintsOneResultPerModeWithItsTimedEpochsAndAccuracy(String workload) {
        Cli.Run run = Cli.run("bench", workload, "--epochs", "3", "--warmup", "1", "--data", Cli.MNIST.toString())
                .assertOk();
        List<Map<String, String>> results = lines(run.out(), "RESULT");
        List<String> modes = results.stream().map(r -> r.get("mode")).toList();
        assertEquals(workload.equals("W1") ? List.of("compiled", "eager") : List.of("compiled"), modes, run.out());
        for (Map<String, String> r : results) {
            assertEquals(workload, r.get("workload"));
            assertEquals("3", r.get("epochs"));
            assertEquals("1", r.get("warmup"));
            String[] epochs = r.get("epoch_s").replaceAll("[\\[\\]]", "").split(", ");
            assertEquals(2, epochs.length, "the two epochs after the warm-up are timed: " + r);
            double median = Double.parseDouble(r.get("epoch_s_median"));
            double first = Double.parseDouble(epochs[0]);
            double second = Double.parseDouble(epochs[1]);
            assertEquals((first + second) / 2, median, 1e-3, "the median of two epochs is their mean: " + r);
            // The median is printed to 4 decimals and the rate, from the exact median, to units.
            double rounding = 8000 * 5e-5 / (median * median) + 0.5;
            assertEquals(8000 / median, Double.parseDouble(r.get("samples_per_s")), rounding,
                    "samples per second over the 8,000 training digits: " + r);
            // Three epochs put any of these models well past chance (0.1) on the held-out digits.
            assertTrue(Double.parseDouble(r.get("test_acc")) > 0.8, r.toString());
        }
        List<Map<String, String>> ratios = lines(run.out(), "RATIO");
        if (workload.equals("W1")) {
            assertEquals(1, ratios.size(), run.out());
            double compiled = Double.parseDouble(results.get(0).get("epoch_s_median"));
            double eager = Double.parseDouble(results.get(1).get("epoch_s_median"));
            // The ratio is printed to 2 decimals, from medians the RESULT lines round to 4.
            double rounding = 0.005 + eager / compiled * (5e-5 / compiled + 5e-5 / eager);
            assertEquals(eager / compiled, Double.parseDouble(ratios.get(0).get("eager_over_compiled")), rounding);
        } else {
            assertEquals(List.of(), ratios);
        }
    }

    @Test
    void theSgemmWorkloadPrintsAPositiveRateForEachSize() {
        Cli.Run run = Cli.run("bench", "W4", "--sizes", "32,48", "--rounds", "1").assertOk();
        List<Map<String, String>> results = lines(run.out(), "RESULT");
        assertEquals(List.of("32", "48"), results.stream().map(r -> r.get("n")).toList(), run.out());
        for (Map<String, String> r : results) {
            assertTrue(Double.parseDouble(r.get("gflops")) > 0, r.toString());
        }
    }

    @Test
    void moreWarmUpEpochsThanEpochsIsAClearError() {
        Cli.Run run = Cli.run("bench", "W1", "--epochs", "2", "--warmup", "2", "--data", Cli.MNIST.toString());
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("bench W1: 2 epochs leave none to time after 2 warm-up; use more --epochs "
                + "than --warmup"), run.err());
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheKnownOnes() {
        Cli.Run run = Cli.run("bench", "W9");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("unknown workload 'W9'; use W1, W2, W3 or W4"), run.err());
    }

    /** The key=value fields of each line of {@code out} that starts with {@code kind}. */
    private static List<Map<String, String>> lines(String out, String kind) {
        return Stream.of(out.split("\\R")).filter(line -> line.startsWith(kind + " ")).map(line -> {
            Matcher m = FIELD.matcher(line);
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            while (m.find()) {
                fields.put(m.group(1), m.group(2));
            }
            return fields;
        }).collect(Collectors.toList());
    }
}
