package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without {@code --add-modules jdk.incubator.vector}, the first tensor says what to add. */
class VectorApiTest {

    /** The child JVM's program: makes a tensor and computes with it. */
    public static final class MakeATensor {
        public static void main(String[] args) {
            System.out.println(Tensor.ones(2, 2).add(1).sum().item());
        }
    }

    @Test
    void thisJvmHasTheVectorApi() {
        assertTrue(VectorApi.isPresent(), "the build passes --add-modules jdk.incubator.vector to the tests");
    }

    @Test
    void withoutTheModuleTheFirstTensorNamesTheMissingFlag() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                MakeATensor.class.getName())).redirectErrorStream(true);
        // A machine that adds the module to every JVM through the environment must not add it to this one.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process child = builder.start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM finished");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, child.exitValue(), output);
        assertTrue(output.contains("IllegalStateException: Kiln's CPU kernels run on the Vector API"), output);
        assertTrue(output.contains("start java with --add-modules jdk.incubator.vector"), output);
    }
}
