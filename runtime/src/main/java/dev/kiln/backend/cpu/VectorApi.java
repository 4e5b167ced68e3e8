package dev.kiln.backend.cpu;

/**
 * Whether the JDK's Vector API, the incubator module {@code jdk.incubator.vector} that Kiln's CPU
 * kernels run on, is in this JVM. The JVM loads an incubator module only when asked
 * ({@code --add-modules jdk.incubator.vector}); without it the first kernel would fail with a
 * {@code NoClassDefFoundError} naming a Vector API class, so {@link #require} says what to do first.
 */
public final class VectorApi {
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorApi() {}

    /** Whether {@code jdk.incubator.vector} is in the boot layer. */
    public static boolean isPresent() {
        return PRESENT;
    }

    /** Throws, with what to add to the JVM's options, when the Vector API is missing. */
    public static void require() {
        if (!PRESENT) {
            throw new IllegalStateException("Kiln's CPU kernels run on the Vector API, an incubator module that the "
                    + "JVM loads only when asked: start java with --add-modules jdk.incubator.vector (the README's "
                    + "\"Using Kiln in your build\" shows it for Maven, Gradle and a plain java command)");
        }
    }
}
