package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listener states through a checkpoint's JSON: non-finite values survive, a restore replaces. */
class ListenerStateTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> throughJson(Map<String, Object> state) {
        return (Map<String, Object>) Json.read(Json.write(state), null);
    }

    private static EpochMetrics epoch(int n, double valLoss) {
        return new EpochMetrics(n, 0.5, 0.5, valLoss, 0.1, 0.1, 1);
    }

    @Test
    void anInfiniteOrNaNBestSurvivesTheRoundTrip() {
        for (double best : new double[] {Double.POSITIVE_INFINITY, Double.NaN, 0.25}) {
            EarlyStopping stop = new EarlyStopping("val_loss", 3, 0);
            stop.restoreState(Map.of("best", best, "epochs_without_improvement", 2));
            EarlyStopping resumed = new EarlyStopping("val_loss", 3, 0);
            resumed.restoreState(throughJson(stop.state()));
            assertEquals(stop.state(), resumed.state(), "best " + best);

            CheckpointBest saver = new CheckpointBest(dir.resolve("best.safetensors"), "val_loss");
            saver.restoreState(Map.of("best", best));
            CheckpointBest resumedSaver = new CheckpointBest(dir.resolve("best.safetensors"), "val_loss");
            resumedSaver.restoreState(throughJson(saver.state()));
            assertEquals(best, resumedSaver.best(), "best " + best);
        }
    }

    @Test
    void theMetricsLogKeepsAnInfiniteValueAndARestoreReplacesWhatItHeld() throws IOException {
        MetricsLogger log = new MetricsLogger(dir.resolve("first"), "t");
        log.onEpochEnd(null, epoch(1, Double.POSITIVE_INFINITY));
        List<String> before = Files.readAllLines(log.csvPath());

        MetricsLogger resumed = new MetricsLogger(dir.resolve("resumed"), "t");
        resumed.restoreState(throughJson(log.state()));
        resumed.onEpochEnd(null, epoch(2, 0.5));
        assertEquals(before.get(1), Files.readAllLines(resumed.csvPath()).get(1), "epoch 1 as it was logged");

        log.restoreState(throughJson(log.state())); // the same trainer resumed in the same process
        assertEquals(before, Files.readAllLines(log.csvPath()), "restored epochs replace, not add to, the log");
    }
}
