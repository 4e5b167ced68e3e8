package dev.kiln.examples;

import dev.kiln.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The examples program behind {@code ./kiln}: the seed experiments and the benchmarks as subcommands. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "Kiln 0.1.0",
        description = "Kiln examples: train the seed models on MNIST and run the benchmarks.",
        subcommands = {TrainCommand.class, MlpCommand.class, ResMlpCommand.class, CnnCommand.class,
                BlocksCommand.class, LstmCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
