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
        System.exit(commandLine().execute(args));
    }

    /**
     * The program's command line. A failure prints one line, {@code kiln train: <message>}: Kiln's
     * messages name the file, op or setting at fault, and a stack trace would bury that. Set
     * {@code KILN_DEBUG} to see the trace.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("kiln " + command.getCommandName() + ": " + e.getMessage());
            if (System.getenv("KILN_DEBUG") != null) {
                e.printStackTrace(command.getErr());
            } else {
                command.getErr().println("(set KILN_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cli;
    }
}
