package dev.kiln.autograd;

/**
 * Whether ops record themselves for backward, per thread. Recording is on by default;
 * {@link #noGrad()} turns it off for a try-with-resources block (evaluation, optimizer updates).
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /** Whether ops on this thread record the graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off until the returned scope closes: {@code try (var s = GradMode.noGrad()) {...}}. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Turns recording on until the returned scope closes (inside a noGrad block). */
    public static Scope enableGrad() {
        return set(true);
    }

    /** Sets recording on or off until the returned scope closes. */
    public static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return new Scope(flag, previous);
    }

    /** Restores the previous grad mode when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            flag[0] = previous;
        }
    }
}
