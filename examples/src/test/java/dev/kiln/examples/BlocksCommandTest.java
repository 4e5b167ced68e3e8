package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kiln blocks}: the seed's custom blocks, their PyTorch keys, and a few training steps. */
class BlocksCommandTest {
    private static final List<String> CHIMERA_KEYS = List.of("0.net.0.weight", "0.net.0.bias", "0.net.2.weight",
            "0.net.2.bias", "0.linear.weight", "0.linear.bias", "1.weight", "1.bias", "2.linear.weight",
            "2.linear.bias");

    @TempDir
    Path out;

    @Test
    void printsEachBlocksKeysAndTrainsTheChimera() {
        Cli.Run run = Cli.run("blocks", "--max-steps", "5", "--out", out.toString()).assertOk();
        String text = run.out();
        for (String key : List.of("0.weight", "2.bias", "linear.weight", "net.2.weight")) {
            assertTrue(Pattern.compile("(?m)^  " + Pattern.quote(key) + " +\\[").matcher(text).find(),
                    () -> key + " not printed:\n" + text);
        }
        for (String key : CHIMERA_KEYS) {
            assertTrue(text.contains("  " + key + " "), () -> key + " not printed:\n" + text);
        }
        assertTrue(text.contains("(2): FixedHiddenMlp(\n    (linear): Linear(in_features=20, out_features=20, bias=True)"),
                text);
        assertFalse(text.contains("rand_weight  "), "the constant is not a parameter:\n" + text);
        assertTrue(text.contains("rand_weight unchanged by training: true (requires grad: false)"), text);

        Matcher loss = Pattern.compile("(?m)^loss (\\d+\\.\\d+) -> (\\d+\\.\\d+)$").matcher(text);
        assertTrue(loss.find(), text);
        assertTrue(Double.parseDouble(loss.group(2)) < Double.parseDouble(loss.group(1)), loss.group());
        // The state dict is PyTorch's: the shared layer once per path, the constant not at all.
        assertEquals(CHIMERA_KEYS, Cli.keys(out.resolve("model.safetensors")));
    }

    @Test
    void dataOptionsAreRejectedRatherThanIgnored() {
        Cli.Run run = Cli.run("blocks", "--epochs", "3", "--out", out.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("blocks: --epochs does not apply"), run.err());
    }
}
