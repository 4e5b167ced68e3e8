package dev.kiln.it.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Golden files: the generated source of representative models, pinned byte for byte. The inputs
 * are {@code src/test/resources/golden/input}, the expected outputs
 * {@code src/test/resources/golden/expected}. After an intended change of the generated code, run
 * once with {@code -Dkiln.updateGoldens=true} to rewrite the expected files, and review the diff.
 */
class GoldenFilesTest {
    private static final String INPUT = "golden/input/dev/kiln/golden";
    private static final String EXPECTED = "golden/expected";

    static List<JavaFileObject> inputs() {
        List<JavaFileObject> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(resourceDir(INPUT))) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString().replace(".java", "");
                out.add(JavaFileObjects.forSourceString("dev.kiln.golden." + name, Files.readString(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The generated sources of a successful compilation, by simple file name. */
    static Map<String, String> generatedSources(Compilation c) {
        Map<String, String> out = new TreeMap<>();
        for (JavaFileObject f : c.generatedSourceFiles()) {
            String name = f.getName().substring(f.getName().lastIndexOf('/') + 1);
            try (InputStream in = f.openInputStream()) {
                out.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static Path resourceDir(String name) {
        URL url = GoldenFilesTest.class.getClassLoader().getResource(name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void generatedSourcesMatchTheGoldenFiles() throws IOException {
        Compilation c = ProcessorTestSupport.compile(inputs().toArray(JavaFileObject[]::new));
        assertThat(c).succeededWithoutWarnings();
        Map<String, String> generated = generatedSources(c);

        if (Boolean.getBoolean("kiln.updateGoldens")) {
            Path dir = Path.of(System.getProperty("basedir", "."), "src/test/resources", EXPECTED);
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : generated.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
        }

        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(resourceDir(EXPECTED))) {
            for (Path p : files.toList()) {
                expected.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        assertEquals(expected.keySet(), generated.keySet(), "the set of generated files");
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name), generated.get(name), name + " differs from its golden file");
        }
    }

    @Test
    void outputIsDeterministicWhateverTheOrderOfTheSources() {
        List<JavaFileObject> sources = inputs();
        Map<String, String> first = generatedSources(ProcessorTestSupport.compile(sources.toArray(JavaFileObject[]::new)));
        List<JavaFileObject> reversed = new ArrayList<>(sources);
        Collections.reverse(reversed);
        Map<String, String> second = generatedSources(
                ProcessorTestSupport.compile(reversed.toArray(JavaFileObject[]::new)));
        assertEquals(first, second);
        assertTrue(first.size() >= 8, first.keySet().toString());
    }
}
