package dev.kiln.it.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the set-up documentation honest: every XML snippet it marks with
 * {@code <!-- tested: path/to/pom.xml -->} must appear, up to whitespace, in that consumer project,
 * which the invoker builds on JDK 17 and JDK 25; and the Gradle snippets must name the same
 * artifacts, version and JVM flag.
 */
class ReadmeSnippetsTest {
    /** The documents whose set-up snippets are checked: the README's "Using Kiln in your build". */
    private static final List<String> DOCUMENTS = List.of("README.md");
    private static final Pattern TESTED =
            Pattern.compile("<!-- tested: (\\S+) -->\\s*```xml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern FENCE = Pattern.compile("```(kotlin|groovy)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern BOM_VERSION =
            Pattern.compile("<artifactId>kiln-bom</artifactId>\\s*<version>([^<]+)</version>");
    private static final String JVM_FLAG = "--add-modules jdk.incubator.vector";

    /** The repository root: surefire runs in it-tests and says so in {@code basedir}. */
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .toAbsolutePath().getParent();

    private record Snippet(String document, int index, Path project, String text) {}

    @TestFactory
    Stream<DynamicTest> everyTestedMavenSnippetIsInTheProjectThatCiBuilds() throws IOException {
        String version = kilnVersion();
        return testedSnippets().stream().map(s -> DynamicTest.dynamicTest(
                s.document() + " snippet " + s.index() + " in " + ROOT.relativize(s.project()), () -> {
                    // The invoker fills in the version when it copies the project; the README states it.
                    String pom = Files.readString(s.project()).replace("@project.version@", version);
                    assertTrue(normalize(pom).contains(normalize(s.text())), () -> "This snippet of "
                            + s.document() + " is not in " + ROOT.relativize(s.project())
                            + " (whitespace aside); copy it from there again:\n" + s.text());
                }));
    }

    @Test
    void theTestedMavenSnippetsCoverTheWholeSetUp() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Snippet s : testedSnippets()) {
            if (s.project().endsWith(Path.of("minimal", "pom.xml"))) {
                all.append(normalize(s.text()));
            }
        }
        String tested = all.toString();
        assertTrue(tested.contains("<artifactId>kiln-bom</artifactId>") && tested.contains("<scope>import</scope>"),
                "the BOM import is not in a tested snippet");
        assertTrue(tested.contains("<artifactId>kiln-runtime</artifactId>"),
                "the runtime is not in a tested snippet");
        assertTrue(tested.contains("<annotationProcessorPaths><path><groupId>dev.kiln</groupId>"
                + "<artifactId>kiln-processor</artifactId>"), "annotationProcessorPaths is not in a tested snippet");
        assertTrue(tested.contains("<argLine>" + JVM_FLAG + "</argLine>"),
                "the JVM flag is not in a tested snippet");
        assertTrue(tested.contains("<kiln.version>" + kilnVersion() + "</kiln.version>"),
                "the documented version is not the build's " + kilnVersion());
    }

    @Test
    void theGradleSnippetsNameTheSameArtifactsVersionAndFlag() throws IOException {
        String version = kilnVersion();
        List<String> dsls = new ArrayList<>();
        for (String document : DOCUMENTS) {
            Path path = ROOT.resolve(document);
            assertTrue(Files.exists(path), () -> document + " is missing at " + path);
            Matcher m = FENCE.matcher(Files.readString(path));
            while (m.find()) {
                // Quotes made uniform, so one pattern reads both DSLs.
                String text = m.group(2).replace('\'', '"');
                if (!text.contains("dev.kiln:")) {
                    continue;
                }
                dsls.add(m.group(1));
                String where = document + " (" + m.group(1) + " DSL)";
                assertTrue(text.contains("kilnVersion = \"" + version + "\""), where + " does not pin " + version);
                for (String configuration : List.of("implementation", "annotationProcessor",
                        "testAnnotationProcessor")) {
                    assertTrue(declares(text, configuration, "platform(\"dev.kiln:kiln-bom:$kilnVersion\")"),
                            where + ": " + configuration + " does not get the BOM platform");
                }
                assertTrue(declares(text, "implementation", "\"dev.kiln:kiln-runtime\""),
                        where + ": kiln-runtime is not an implementation dependency");
                for (String configuration : List.of("annotationProcessor", "testAnnotationProcessor")) {
                    assertTrue(declares(text, configuration, "\"dev.kiln:kiln-processor\""),
                            where + ": kiln-processor is not on " + configuration);
                }
                for (String configuration : List.of("implementation", "compileOnly", "api")) {
                    assertFalse(declares(text, configuration, "\"dev.kiln:kiln-processor\""),
                            where + " puts kiln-processor on the class path (" + configuration + ")");
                }
                assertTrue(text.contains("\"--add-modules\", \"jdk.incubator.vector\""),
                        where + " lacks " + JVM_FLAG);
            }
        }
        assertTrue(dsls.contains("kotlin") && dsls.contains("groovy"),
                "expected a Kotlin DSL and a Groovy DSL set-up, found " + dsls);
    }

    /** Whether a Gradle snippet has the line {@code configuration(notation)} or {@code configuration notation}. */
    private static boolean declares(String gradle, String configuration, String notation) {
        return Pattern.compile("(?m)^\\s*" + configuration + "(\\(|\\s+)" + Pattern.quote(notation))
                .matcher(gradle).find();
    }

    /** Every marked snippet of every document. */
    private static List<Snippet> testedSnippets() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (String document : DOCUMENTS) {
            Path path = ROOT.resolve(document);
            assertTrue(Files.exists(path), () -> document + " is missing at " + path);
            Matcher m = TESTED.matcher(Files.readString(path));
            int index = 0;
            while (m.find()) {
                Path project = ROOT.resolve(m.group(1));
                assertTrue(Files.isRegularFile(project),
                        document + " marks a snippet as tested in a missing file, " + project);
                out.add(new Snippet(document, ++index, project, m.group(2)));
            }
        }
        assertFalse(out.isEmpty(), "no <!-- tested: ... --> snippet in " + DOCUMENTS);
        return out;
    }

    /** The version every Kiln artifact has, as the BOM declares it. */
    private static String kilnVersion() throws IOException {
        Matcher m = BOM_VERSION.matcher(Files.readString(ROOT.resolve("it-tests/kiln-bom/pom.xml")));
        assertTrue(m.find(), "it-tests/kiln-bom/pom.xml declares no version");
        return m.group(1);
    }

    /** Whitespace runs become one space, and whitespace between tags goes, so indentation does not matter. */
    private static String normalize(String xml) {
        return xml.replaceAll("\\s+", " ").replace("> <", "><").trim();
    }
}
