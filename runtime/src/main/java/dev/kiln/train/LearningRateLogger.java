package dev.kiln.train;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the learning rate of every parameter group at the start of each epoch. */
public final class LearningRateLogger implements TrainingListener {
    private final PrintStream out;

    public LearningRateLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochStart(Trainer trainer, int epoch) {
        StringBuilder sb = new StringBuilder("epoch ").append(epoch).append(" learning rate");
        var groups = trainer.optimizer().paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            sb.append(String.format(Locale.ROOT, groups.size() > 1 ? " [group %d] %.3g" : " %2$.3g", i,
                    groups.get(i).lr()));
        }
        out.println(sb);
    }
}
