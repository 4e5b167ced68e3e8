package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs the examples program in-process, as {@code ./kiln ARGS} would, and captures what it prints. */
final class Cli {
    /** The 10,000 digits the repository ships, relative to the examples module (Maven's working directory). */
    static final Path MNIST = Path.of("data/mnist-10k");

    private static final Pattern ACCURACY = Pattern.compile("(?m)^test accuracy (\\d\\.\\d{4}) ");

    private Cli() {}

    /** What one run returned and printed; {@code out} holds the example's lines and picocli's help. */
    record Run(int exitCode, String out, String err) {
        /** The accuracy on the closing "test accuracy 0.xxxx (...)" line, checked to be a fraction. */
        double testAccuracy() {
            Matcher m = ACCURACY.matcher(out);
            assertTrue(m.find(), () -> "no 'test accuracy' line in:\n" + out);
            double accuracy = Double.parseDouble(m.group(1));
            assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
            return accuracy;
        }

        /** Asserts the run succeeded, showing its output when it did not. */
        Run assertOk() {
            assertEquals(0, exitCode, () -> "exit code " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    /** Runs {@code kiln args...} with System.out and System.err captured for the run. */
    static Run run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter help = new StringWriter();
        StringWriter errors = new StringWriter();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            System.setErr(err);
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(help, true));
            cli.setErr(new PrintWriter(errors, true));
            code = cli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(code, stdout.toString(StandardCharsets.UTF_8) + help,
                stderr.toString(StandardCharsets.UTF_8) + errors);
    }

    /** The smoke-run arguments every training test shares: one epoch of 3 small batches into {@code out}. */
    static List<String> smoke(String command, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--epochs", "1", "--max-steps", "3", "--batch-size",
                "32", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    /** Runs {@link #smoke} and checks that the run wrote its checkpoint, metrics and plot. */
    static Run smokeRun(String command, Path out, String... extra) {
        Run run = run(smoke(command, out, extra).toArray(String[]::new)).assertOk();
        for (String file : new String[] {"model.safetensors", "metrics.csv", "curves.png"}) {
            Path p = out.resolve(file);
            assertTrue(Files.isRegularFile(p), () -> p + " was not written; output:\n" + run.out());
        }
        return run;
    }

    /** The tensor names in a safetensors file, in the file's order. */
    static List<String> keys(Path checkpoint) {
        return SafeTensors.readHeader(checkpoint).entries().stream().map(SafeTensors.Entry::name).toList();
    }

    /** The shape of tensor {@code name} in a safetensors file. */
    static List<Integer> shape(Path checkpoint, String name) {
        for (SafeTensors.Entry e : SafeTensors.readHeader(checkpoint).entries()) {
            if (e.name().equals(name)) {
                return java.util.Arrays.stream(e.shape()).boxed().toList();
            }
        }
        throw new AssertionError(checkpoint + " has no tensor " + name + "; it has " + keys(checkpoint));
    }
}
