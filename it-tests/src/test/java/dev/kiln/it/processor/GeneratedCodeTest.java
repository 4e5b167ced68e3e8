package dev.kiln.it.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.kiln.nn.Module;
import dev.kiln.nn.ModuleStructures;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated code as a user gets it: compiled with {@code -Xlint:all -Werror}, loaded and run
 * against the real runtime, with the build metadata incremental builds rely on.
 */
class GeneratedCodeTest {

    /** Loads the classes of a compilation (the golden models and their structures). */
    static final class CompiledClasses extends ClassLoader {
        private final Map<String, byte[]> classes = new HashMap<>();

        CompiledClasses(Compilation c) throws IOException {
            super(GeneratedCodeTest.class.getClassLoader());
            for (JavaFileObject f : c.generatedFiles()) {
                if (f.getKind() == JavaFileObject.Kind.CLASS) {
                    String path = f.getName().substring("/CLASS_OUTPUT/".length());
                    try (InputStream in = f.openInputStream()) {
                        classes.put(path.replace(".class", "").replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    private static Module newModule(ClassLoader loader, String name) throws Exception {
        return (Module) loader.loadClass("dev.kiln.golden." + name).getDeclaredConstructor().newInstance();
    }

    @Test
    void theGoldenMlpHasThePyTorchKeys() throws Exception {
        Compilation c = ProcessorTestSupport.compile(GoldenFilesTest.inputs().toArray(JavaFileObject[]::new));
        assertThat(c).succeededWithoutWarnings();
        ClassLoader loader = new CompiledClasses(c);
        Module mlp = newModule(loader, "Mlp");
        assertTrue(ModuleStructures.isGenerated(mlp.getClass()));

        // PyTorch, for the same structure (see golden/input/dev/kiln/golden/Mlp.java):
        //   self.input = Dense(4, 8); self.blocks = nn.ModuleList([Block(8), Block(8)])
        //   self.shared = self.blocks[0].fc; self.scale = nn.Parameter(torch.ones(1))
        //   self.register_buffer("steps", ...); self.register_buffer("scratch", ..., persistent=False)
        //   self.heads = nn.ModuleDict({"cls": Dense(8, 10)}); self.taps = nn.ModuleList([Dense(8, 2)])
        assertEquals(List.of(
                "scale",
                "input.weight", "input.bias",
                "blocks.0.fc.weight", "blocks.0.fc.bias",
                "blocks.1.fc.weight", "blocks.1.fc.bias",
                "heads.cls.weight", "heads.cls.bias",
                "taps.0.weight", "taps.0.bias"), new ArrayList<>(mlp.namedParameters().keySet()));
        assertEquals(List.of(
                "scale", "steps",
                "input.weight", "input.bias",
                "blocks.0.runningMean", "blocks.0.fc.weight", "blocks.0.fc.bias",
                "blocks.1.runningMean", "blocks.1.fc.weight", "blocks.1.fc.bias",
                "shared.weight", "shared.bias",
                "heads.cls.weight", "heads.cls.bias",
                "taps.0.weight", "taps.0.bias"), new ArrayList<>(mlp.stateDict().keySet()));
        assertEquals(List.of("steps", "scratch", "blocks.0.runningMean", "blocks.1.runningMean"),
                new ArrayList<>(mlp.namedBuffers().keySet()));
        assertEquals(1 + 40 + 2 * 72 + 90 + 18, mlp.numParameters());
        assertEquals(List.of(2, 10), List.of(mlp.apply(Tensor.ones(2, 4)).shape()[0],
                mlp.apply(Tensor.ones(2, 4)).shape()[1]));

        Module deeper = newModule(loader, "Deeper");
        assertEquals(List.of("gain", "extra", "body.weight", "body.bias"),
                new ArrayList<>(deeper.namedParameters().keySet()));
        assertEquals(List.of("gain", "extra", "calls", "body.weight", "body.bias"),
                new ArrayList<>(deeper.stateDict().keySet()));
        assertEquals("Derived.forward(Tensor)", ModuleStructures.of(deeper.getClass()).forwardSignature());

        Module other = newModule(loader, "Mlp");
        assertTrue(other.loadStateDict(mlp.stateDict()).isClean());
    }

    @Test
    void everyGeneratedFileNamesItsModuleClassAsItsOnlyOriginatingElement() {
        RecordingProcessor kiln = new RecordingProcessor();
        Compilation c = Compiler.javac().withProcessors(kiln)
                .compile(GoldenFilesTest.inputs().toArray(JavaFileObject[]::new));
        assertThat(c).succeeded();
        // Fourteen structures and the compiled forwards of the ten bodies that compile. Gate_Compiled inlines
        // helpers of Gates, yet names only Gate: an isolating processor names one originating element.
        assertEquals(24, kiln.created.size(), kiln.names().toString());
        for (RecordingProcessor.Created f : kiln.created) {
            String module = f.name().replaceAll("_(Module|Compiled)$", "").replace("Attention_Head",
                    "Attention.Head");
            assertEquals(List.of(module), f.originatingElements(), f.name());
        }
    }

    @Test
    void theProcessorIsRegisteredAndDeclaredIsolating() throws IOException {
        ClassLoader loader = dev.kiln.processor.KilnProcessor.class.getClassLoader();
        assertEquals("dev.kiln.processor.KilnProcessor,isolating",
                read(loader, "META-INF/gradle/incremental.annotation.processors").strip());
        assertEquals("dev.kiln.processor.KilnProcessor",
                read(loader, "META-INF/services/javax.annotation.processing.Processor").strip());
    }

    @Test
    void claimingCanBeTurnedOff() {
        RecordingProcessor kiln = new RecordingProcessor();
        Compilation c = Compiler.javac().withProcessors(kiln, new GeneratingProcessor())
                .withOptions("-Akiln.claimAnnotations=false")
                .compile(ProcessorTestSupport.source("test.Mlp",
                        "package test;",
                        "public class Mlp extends dev.kiln.nn.Module {",
                        "    @dev.kiln.annotations.Layer Gen gen;",
                        "    @dev.kiln.annotations.Forward",
                        "    public dev.kiln.tensor.Tensor forward(dev.kiln.tensor.Tensor x) { return x; }",
                        "}"));
        // Unclaimed, the annotations reach the universal processor after Kiln, which writes Gen.
        assertThat(c).succeeded();
        assertEquals(List.of("test.Mlp_Module", "test.Mlp_Compiled", "test.Gen_Module", "test.Gen_Compiled"), kiln.names());
    }

    private static String read(ClassLoader loader, String resource) throws IOException {
        try (InputStream in = loader.getResource(resource).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
