package dev.kiln.examples;

import dev.kiln.backend.cpu.Parallel;
import dev.kiln.examples.cli.TrainingOptions;
import dev.kiln.examples.models.FixedHiddenMlp;
import dev.kiln.examples.models.MySequential;
import dev.kiln.examples.models.NestMlp;
import dev.kiln.io.SafeTensors;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.functional.F;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The seed's custom blocks: a hand-written sequential container ({@link MySequential}), a block with a
 * constant weight, a data-dependent {@code while} and a reused layer ({@link FixedHiddenMlp}), nested
 * blocks ({@link NestMlp}) and the chimera {@code Sequential(NestMlp, Linear(16, 20), FixedHiddenMlp)}. Each
 * runs on random input {@code [2, 20]} and shows its output, parameter keys and module tree; then the
 * chimera is trained for a few steps towards a scalar target, so the loss shows gradients flowing through
 * all of it.
 */
@Command(name = "blocks", mixinStandardHelpOptions = true,
        description = "The seed's custom blocks (MySequential, FixedHiddenMLP, NestMLP and the chimera Sequential) "
                + "on random input [2, 20]: prints outputs, parameter keys and module trees, then trains the "
                + "chimera for --max-steps steps (default 20) and writes its model.safetensors. --data, --epochs "
                + "and --batch-size do not apply.")
public final class BlocksCommand implements Callable<Integer> {
    /** The chimera's target output: reachable, since FixedHiddenMLP's output has an L1 norm of at most 1. */
    static final double TARGET = 0.5;
    private static final int DEFAULT_STEPS = 20;

    @Mixin
    TrainingOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        rejectDataOptions();
        if (options.threads != null) {
            Parallel.setThreads(options.threads);
        }
        PrintStream out = System.out;
        Generator generator = new Generator(options.seed);
        Tensor x = Tensor.rand(generator, 2, 20);
        out.println("X = torch.rand(2, 20) with seed " + options.seed + ":");
        out.println(x);

        show(out, "MySequential(Linear(20, 256), ReLU(), Linear(256, 10)): a hand-written container",
                new MySequential(linear(20, 256, generator), new ReLU(), linear(256, 10, generator)), x);
        FixedHiddenMlp fixed = new FixedHiddenMlp(generator);
        show(out, "FixedHiddenMLP: a constant weight, one linear layer used twice, a while loop", fixed, x);
        show(out, "NestMLP: a Sequential nested in a block", new NestMlp(generator), x);
        Sequential chimera = new Sequential(new NestMlp(generator), linear(16, 20, generator),
                new FixedHiddenMlp(generator));
        show(out, "chimera = Sequential(NestMLP(), Linear(16, 20), FixedHiddenMLP())", chimera, x);

        train(out, chimera, x);
        Path checkpoint = options.runDir("blocks").resolve("model.safetensors");
        createDirectories(checkpoint.getParent());
        SafeTensors.write(checkpoint, chimera.stateDict(), Map.of("example", "blocks"));
        out.println("checkpoint  " + checkpoint.toAbsolutePath().normalize() + " (" + chimera.stateDict().size()
                + " tensors; the constant rand_weight is not among them)");
        return 0;
    }

    /** Prints a block's tree, its parameter keys with shapes, and its output on {@code x}. */
    private static void show(PrintStream out, String title, Module block, Tensor x) {
        out.printf(Locale.ROOT, "%n== %s%n", title);
        out.println(block);
        out.printf(Locale.ROOT, "parameters (%,d scalars):%n", block.numParameters());
        for (Map.Entry<String, Tensor> p : block.namedParameters().entrySet()) {
            out.printf(Locale.ROOT, "  %-16s %s%n", p.getKey(), Shapes.str(p.getValue().shape()));
        }
        out.println("output:");
        out.println(block.apply(x));
    }

    /** A few Adam steps that pull the chimera's scalar output towards {@link #TARGET}; prints each loss. */
    private void train(PrintStream out, Sequential chimera, Tensor x) {
        int steps = options.maxSteps > 0 ? options.maxSteps : DEFAULT_STEPS;
        double lr = options.lr != null ? options.lr : 1e-3;
        FixedHiddenMlp fixed = (FixedHiddenMlp) chimera.get(2);
        float[] constantBefore = fixed.randWeight().toFloatArray();
        Adam adam = new Adam(chimera.parameters(), Adam.options().lr(lr));
        Tensor target = Tensor.scalar(TARGET);
        out.printf(Locale.ROOT, "%n== training the chimera for %d steps towards %.1f (MSE, Adam lr %s)%n", steps,
                TARGET, lr);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 1; step <= steps; step++) {
            adam.zeroGrad();
            Tensor y = chimera.forward(x);
            Tensor loss = F.mseLoss(y, target);
            loss.backward();
            adam.step();
            last = loss.item();
            first = step == 1 ? last : first;
            out.printf(Locale.ROOT, "step %2d  output %+.6f  loss %.6f%n", step, y.item(), last);
        }
        out.printf(Locale.ROOT, "loss %.6f -> %.6f%n", first, last);
        boolean unchanged = Arrays.equals(constantBefore, fixed.randWeight().toFloatArray());
        out.println("rand_weight unchanged by training: " + unchanged + " (requires grad: "
                + fixed.randWeight().requiresGrad() + ")");
    }

    /** blocks runs on random input, so the data options are errors rather than silently ignored. */
    private void rejectDataOptions() {
        for (String option : new String[] {"--data", "--epochs", "--batch-size"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), "blocks: " + option + " does not apply: blocks runs "
                        + "on random input [2, 20]; use --max-steps for the number of training steps");
            }
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("blocks: cannot create the run directory " + dir, e);
        }
    }

    private static Linear linear(int in, int out, Generator generator) {
        return new Linear(in, out, true, generator, DType.FLOAT32);
    }
}
