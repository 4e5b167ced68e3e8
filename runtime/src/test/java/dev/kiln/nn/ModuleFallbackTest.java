package dev.kiln.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.annotations.Param;
import dev.kiln.tensor.Tensor;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classes compiled without the processor ({@code -proc:none}, as JShell or a misconfigured build
 * would) still work through the reflective fallback, which warns once per class.
 */
class ModuleFallbackTest {
    @TempDir Path dir;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureWarnings() {
        ModuleStructures.warningSink = warnings::add;
    }

    @AfterEach
    void restoreWarnings() {
        ModuleStructures.warningSink = null;
    }

    private ClassLoader compileWithoutProcessor(String className, String source) throws Exception {
        Path src = dir.resolve("src/" + className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = Files.createDirectories(dir.resolve("classes"));
        String classPath = location(Module.class) + File.pathSeparator + location(Param.class)
                + File.pathSeparator + location(ModuleFallbackTest.class);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-proc:none", "-classpath", classPath, "-d", out.toString(),
                src.toString());
        assertEquals(0, rc, "the fallback fixture must compile");
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void annotatedClassWithoutGeneratedStructureWorksReflectivelyAndWarnsOnce() throws Exception {
        ClassLoader loader = compileWithoutProcessor("fallback.Jsh", """
                package fallback;

                import dev.kiln.annotations.*;
                import dev.kiln.nn.Module;
                import dev.kiln.tensor.Tensor;
                import java.util.*;

                public class Jsh extends Module {
                    public static class Child extends Module {
                        @Param public Tensor p = Tensor.ones(1).requiresGrad(true);
                        @Buffer(persistent = false) Tensor scratch = Tensor.zeros(1);
                        @Forward Tensor forward(Tensor x) { return x; }
                    }
                    @Param private Tensor w = Tensor.ones(2, 2).requiresGrad(true);
                    @Buffer Tensor running = Tensor.zeros(2);
                    @Layer public Child c = new Child();
                    @Layer List<Child> cs = new ArrayList<>(List.of(new Child(), new Child()));
                    @Layer Map<String, Child> byName = new LinkedHashMap<>(Map.of("k", new Child()));
                    @Layer Child[] arr = {null, new Child()};
                    @Layer Child shared = c;
                    @Forward public Tensor forward(Tensor x, double s) { return x.matmul(w).mul(s); }
                }
                """);
        Class<?> type = loader.loadClass("fallback.Jsh");
        Module m = (Module) type.getDeclaredConstructor().newInstance();

        assertEquals(List.of("w", "c.p", "cs.0.p", "cs.1.p", "byName.k.p", "arr.1.p"),
                new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of("w", "running", "c.p", "cs.0.p", "cs.1.p", "byName.k.p", "arr.1.p", "shared.p"),
                new ArrayList<>(m.stateDict().keySet()));
        assertEquals(List.of("running", "c.scratch", "cs.0.scratch", "cs.1.scratch", "byName.k.scratch",
                "arr.1.scratch"), new ArrayList<>(m.namedBuffers().keySet()));
        assertFalse(ModuleStructures.isGenerated(type.asSubclass(Module.class)));

        Tensor y = (Tensor) m.call(Tensor.ones(1, 2), 2.0);
        assertEquals(4.0, y.get(0, 0));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> m.apply(Tensor.ones(1, 2)));
        assertEquals("Jsh.forward(Tensor, double): expects 2 arguments, got 1", bad.getMessage());

        m.eval();
        for (Module sub : m.modules()) {
            assertFalse(sub.isTraining());
        }
        Map<String, Tensor> state = m.stateDict();
        Module other = (Module) type.getDeclaredConstructor().newInstance();
        assertTrue(other.loadStateDict(state).isClean());
        assertSame(m, m.to(dev.kiln.tensor.Device.cpu()));
        assertTrue(m.toString().startsWith("Jsh(\n  (c): Child()\n  (cs): ModuleList(\n"), m.toString());

        // Once per class: Jsh and Jsh$Child each warned exactly once, however often they are used.
        type.getDeclaredConstructor().newInstance();
        assertEquals(2, warnings.size(), warnings.toString());
        String warning = warnings.stream().filter(w -> w.contains("fallback.Jsh has")).findFirst().orElseThrow();
        assertTrue(warning.contains("no generated fallback.Jsh_Module"), warning);
        assertTrue(warning.contains("compiled without the Kiln annotation processor"), warning);
        assertTrue(warning.contains("dev.kiln:kiln-processor under <annotationProcessorPaths>"), warning);
        assertTrue(warning.contains("annotationProcessor \"dev.kiln:kiln-processor:<version>\""), warning);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("fallback.Jsh$Child has")), warnings.toString());
    }

    @Test
    void aClassWithoutKilnAnnotationsNeedsNoWarning() throws Exception {
        ClassLoader loader = compileWithoutProcessor("fallback.Act", """
                package fallback;

                public class Act extends dev.kiln.nn.Module {
                    public dev.kiln.tensor.Tensor notAParameter = dev.kiln.tensor.Tensor.zeros(1);
                }
                """);
        Module m = (Module) loader.loadClass("fallback.Act").getDeclaredConstructor().newInstance();
        assertTrue(m.namedParameters().isEmpty());
        assertTrue(m.stateDict().isEmpty());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aSubclassCompiledWithoutTheProcessorKeepsItsGeneratedSuperclassFirst() throws Exception {
        ClassLoader loader = compileWithoutProcessor("fallback.LateNet", """
                package fallback;

                import dev.kiln.annotations.Param;
                import dev.kiln.nn.ModuleTestPublicModels;
                import dev.kiln.tensor.Tensor;

                public class LateNet extends ModuleTestPublicModels.Block {
                    @Param Tensor late = Tensor.zeros(2);
                }
                """);
        Module m = (Module) loader.loadClass("fallback.LateNet").getDeclaredConstructor().newInstance();
        assertEquals(List.of("weight", "late"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of("weight", "late", "runningMean"), new ArrayList<>(m.stateDict().keySet()));
        assertEquals(2, m.apply(Tensor.ones(1, 2)).size(1), "the inherited @Forward dispatches through Block_Module");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("fallback.LateNet has"), warnings.toString());
    }

    @Test
    void anInlineContainerIsReadReflectivelyToo() throws Exception {
        ClassLoader loader = compileWithoutProcessor("fallback.Stack", """
                package fallback;

                import dev.kiln.annotations.*;
                import dev.kiln.nn.ModuleTestPublicModels;
                import java.util.List;

                public class Stack extends dev.kiln.nn.Module {
                    @Layer(inline = true) List<ModuleTestPublicModels.Block> blocks =
                            List.of(new ModuleTestPublicModels.Block(), new ModuleTestPublicModels.Block());
                }
                """);
        Module m = (Module) loader.loadClass("fallback.Stack").getDeclaredConstructor().newInstance();
        assertEquals(List.of("0.runningMean", "0.weight", "1.runningMean", "1.weight"),
                new ArrayList<>(m.stateDict().keySet()).stream().sorted().toList());
        assertEquals(List.of("0.weight", "1.weight"), new ArrayList<>(m.namedParameters().keySet()));
        assertTrue(m.toString().startsWith("Stack(\n  (0): Block(\n    (act): Relu()\n  )\n  (1): Block("),
                m.toString());
    }

    @Test
    void misusesAreReportedWhenTheClassIsFirstUsed() throws Exception {
        ClassLoader loader = compileWithoutProcessor("fallback.Bad", """
                package fallback;

                import dev.kiln.annotations.*;

                public class Bad extends dev.kiln.nn.Module {
                    @Param String notATensor = "x";
                }
                """);
        Module m = (Module) loader.loadClass("fallback.Bad").getDeclaredConstructor().newInstance();
        IllegalStateException e = assertThrows(IllegalStateException.class, m::namedParameters);
        assertEquals("fallback.Bad (compiled without the Kiln processor): @Param field 'notATensor' has type "
                + "String; declare it as Tensor", e.getMessage());
    }
}
