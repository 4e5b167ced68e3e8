package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kiln lstm}: MNIST read row by row; the cells themselves are covered by SequenceClassifierTest. */
class LstmCommandTest {
    @TempDir
    Path out;

    @Test
    void trainsABidirectionalLstmOnASmallSlice() {
        Cli.Run run = Cli.smokeRun("lstm", out, "--data", Cli.MNIST.toString(), "--cell", "bilstm", "--hidden", "16");
        run.testAccuracy();
        assertTrue(run.out().startsWith("bilstm: "), run.out());
        Path checkpoint = out.resolve("model.safetensors");
        assertEquals(List.of("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse",
                "rnn.bias_hh_l0_reverse", "head.weight", "head.bias"), Cli.keys(checkpoint));
        assertEquals(List.of(64, 28), Cli.shape(checkpoint, "rnn.weight_ih_l0"));
        assertEquals(List.of(10, 32), Cli.shape(checkpoint, "head.weight"));
    }

    @Test
    void anUnknownCellIsAUsageError() {
        Cli.Run run = Cli.run("lstm", "--cell", "transformer");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--cell must be lstm, bilstm, rnn or gru, got 'transformer'"), run.err());
    }
}
