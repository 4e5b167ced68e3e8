package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every example answers {@code --help} with its usage and the shared training options. */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"train", "mlp", "resmlp", "cnn", "blocks", "lstm"})
    void everySubcommandHasHelp(String command) {
        Cli.Run run = Cli.run(command, "--help").assertOk();
        assertTrue(run.out().contains("Usage: kiln " + command), run.out());
        for (String option : new String[] {"--data", "--out", "--epochs", "--max-steps", "--seed", "--help"}) {
            assertTrue(run.out().contains(option), () -> command + " --help lacks " + option + ":\n" + run.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resmlp --dataset", "lstm --cell", "lstm --hidden", "resmlp --blocks"})
    void specificOptionsAreDocumented(String commandAndOption) {
        String[] parts = commandAndOption.split(" ");
        Cli.Run run = Cli.run(parts[0], "--help").assertOk();
        assertTrue(run.out().contains(parts[1]), run.out());
    }
}
