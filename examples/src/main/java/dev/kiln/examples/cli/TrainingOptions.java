package dev.kiln.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every training example shares (a picocli mixin). */
public final class TrainingOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST directory in IDX format (default: the 10,000 digits shipped in examples/data/mnist-10k)")
    public Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "where the checkpoint, metrics and plot go (default: runs/<example>)")
    public Path out;

    @Option(names = "--epochs", description = "training epochs")
    public Integer epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "examples per batch (default: ${DEFAULT-VALUE})")
    public int batchSize;

    @Option(names = "--lr", description = "learning rate")
    public Double lr;

    @Option(names = "--seed", defaultValue = "42", description = "random seed for initialization and shuffling (default: ${DEFAULT-VALUE})")
    public long seed;

    @Option(names = "--threads", description = "CPU worker threads (default: all cores)")
    public Integer threads;

    @Option(names = "--max-steps", defaultValue = "0",
            description = "stop each epoch after this many batches (a quick smoke run; default: all)")
    public int maxSteps;

    @Option(names = "--detect-anomaly", description = "trace a NaN loss to the op that produced it (slow)")
    public boolean detectAnomaly;

    /** The run directory: {@code --out}, or runs/{@code example}. */
    public Path runDir(String example) {
        return out != null ? out : Path.of("runs", example);
    }
}
