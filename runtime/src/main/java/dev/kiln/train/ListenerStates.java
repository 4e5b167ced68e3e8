package dev.kiln.train;

/** Reading back what listeners saved with {@link TrainingListener#state()}, through a checkpoint's JSON. */
final class ListenerStates {
    private ListenerStates() {}

    /** A double a listener saved: JSON gives numbers back as Long or Double, and NaN and infinities as strings. */
    static double number(Object saved) {
        if (saved instanceof Number n) {
            return n.doubleValue();
        }
        if (saved instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
