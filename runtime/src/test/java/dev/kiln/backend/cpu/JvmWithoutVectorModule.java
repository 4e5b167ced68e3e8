package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a class's main in a child JVM on this test's class path without jdk.incubator.vector. */
public final class JvmWithoutVectorModule {
    private JvmWithoutVectorModule() {}

    /** What the child JVM did: its exit status and its output, stdout and stderr together. */
    public record Result(int exitValue, String output) {}

    public static Result run(Class<?> main) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName())).redirectErrorStream(true);
        // A machine that adds the module to every JVM through the environment must not add it to this one.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process child = builder.start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM finished");
        return new Result(child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
