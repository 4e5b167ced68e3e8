package dev.kiln.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.tensor.Tensor;
import java.io.IOException;
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
        JvmWithoutVectorModule.Result child = JvmWithoutVectorModule.run(MakeATensor.class);
        String output = child.output();
        assertNotEquals(0, child.exitValue(), output);
        assertTrue(output.contains("IllegalStateException: Kiln's CPU kernels run on the Vector API"), output);
        assertTrue(output.contains("start java with --add-modules jdk.incubator.vector"), output);
    }
}
