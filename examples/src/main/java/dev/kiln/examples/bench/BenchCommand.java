package dev.kiln.examples.bench;

import dev.kiln.backend.cpu.Parallel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./kiln bench W1..W4}: the DESIGN.md workloads, one {@code RESULT ...} line per measurement. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark workload (W1 mlp-seed, W2 mlp-wide, W3 cnn-seed, W4 sgemm) and prints "
                + "RESULT lines: medians of repeated rounds.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "W1, W2, W3 or W4")
    String workload;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--rounds", defaultValue = "3", description = "W4: rounds to take the median of (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--sizes", split = ",", defaultValue = "256,512,1024,2048",
            description = "W4 matrix sizes (default: ${DEFAULT-VALUE})")
    int[] sizes;

    @Option(names = "--shapes", description = "W4: also time the matrix products of W1, W2 and W3 as their ops call GEMM")
    boolean shapes;

    @Option(names = "--epochs", description = "W1-W3: epochs, the warm-up ones included (default: 6 for W1, 4 for W2 and W3)")
    Integer epochs;

    @Option(names = "--warmup", defaultValue = "1", description = "W1-W3: leading epochs left out of the median "
            + "(default: ${DEFAULT-VALUE}, as DESIGN.md specifies; more shows the speed once the JIT has settled)")
    int warmup;

    @Option(names = "--data", paramLabel = "DIR", description = "W1-W3: MNIST directory (default: the shipped digits)")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "W1-W3: seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        String name = workload.toUpperCase(Locale.ROOT);
        switch (name) {
            case "W1", "W2", "W3" -> TrainingBenchmark.run(name, epochs != null ? epochs : name.equals("W1") ? 6 : 4,
                    warmup, Parallel.threads(), data, seed, System.out);
            case "W4" -> {
                SgemmBenchmark.run(System.out, Parallel.threads(), sizes, rounds);
                if (shapes) {
                    SgemmBenchmark.runLayerShapes(System.out, Parallel.threads(), rounds);
                }
            }
            default -> {
                System.err.println("bench: unknown workload '" + workload + "'; use W1, W2, W3 or W4");
                return 2;
            }
        }
        return 0;
    }
}
