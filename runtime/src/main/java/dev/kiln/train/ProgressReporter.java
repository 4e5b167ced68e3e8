package dev.kiln.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a live terminal bar (the {@code progressbar} library) when the output is
 * an interactive terminal, plain lines at every tenth of the epoch otherwise (logs, CI, pipes), so
 * redirected output stays readable. {@code KILN_PROGRESS=bar|plain|off} overrides the choice.
 */
public abstract class ProgressReporter implements AutoCloseable {

    /** Starts reporting one epoch of {@code total} steps. */
    public abstract void start(String task, int total);

    /** Records one finished step with its current message (for example the running loss). */
    public abstract void step(String message);

    /** Ends the current epoch's display. */
    @Override
    public abstract void close();

    /** The reporter that suits where {@code out} goes. */
    public static ProgressReporter forOutput(PrintStream out) {
        String mode = System.getenv().getOrDefault("KILN_PROGRESS", "").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "bar" -> new Bar(out);
            case "plain" -> new Plain(out);
            case "off" -> silent();
            default -> interactiveTerminal() ? new Bar(out) : new Plain(out);
        };
    }

    /** A reporter that prints nothing (tests, benchmarks). */
    public static ProgressReporter silent() {
        return new ProgressReporter() {
            @Override
            public void start(String task, int total) {}

            @Override
            public void step(String message) {}

            @Override
            public void close() {}
        };
    }

    private static boolean interactiveTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && System.getenv("CI") == null && term != null && !term.equals("dumb");
    }

    /** The live bar. */
    private static final class Bar extends ProgressReporter {
        private final PrintStream out;
        private ProgressBar bar;

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void start(String task, int total) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .continuousUpdate()
                    .build();
        }

        @Override
        public void step(String message) {
            bar.setExtraMessage(message);
            bar.step();
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    /** One line per tenth of the epoch. */
    private static final class Plain extends ProgressReporter {
        private final PrintStream out;
        private String task;
        private int total;
        private int done;
        private int nextPercent;
        private long startNanos;

        Plain(PrintStream out) {
            this.out = out;
        }

        @Override
        public void start(String task, int total) {
            this.task = task;
            this.total = Math.max(total, 1);
            this.done = 0;
            this.nextPercent = 10;
            this.startNanos = System.nanoTime();
        }

        @Override
        public void step(String message) {
            done++;
            int percent = done * 100 / total;
            if (percent >= nextPercent || done == total) {
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                out.printf(Locale.ROOT, "%s %3d%% %d/%d  %.1fs  %s%n", task, percent, done, total, seconds, message);
                out.flush();
                nextPercent = (percent / 10 + 1) * 10;
            }
        }

        @Override
        public void close() {}
    }
}
