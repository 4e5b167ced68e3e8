package dev.kiln.processor.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiagnosticTest {

    @Test
    void tagsAreUniqueStableAndGrouped() {
        Set<String> tags = new HashSet<>();
        for (Diagnostic d : Diagnostic.values()) {
            assertTrue(d.tag().matches("KLN[12349]\\d\\d"), d.tag());
            assertTrue(tags.add(d.tag()), "duplicate tag " + d.tag());
            String group = d.name().startsWith("FIELD") || d.name().startsWith("LAYER") || d.name().endsWith("FIELD_TYPE")
                    || d.name().equals("CONFLICTING_ANNOTATIONS") ? "1"
                    : d.name().startsWith("FORWARD") ? "3"
                    : d.name().startsWith("COMPILE") ? "4"
                    : d.name().equals("WRITE_FAILED") || d.name().equals("PROCESSOR_BUG") ? "9" : "2";
            assertEquals(group, d.tag().substring(3, 4), d + " is in the wrong group");
        }
        assertEquals(27, Diagnostic.values().length, "update the catalogue's tests and ARCHITECTURE-processor.md");
    }

    @Test
    void everyMessageSaysWhatToDo() {
        for (Diagnostic d : Diagnostic.values()) {
            assertTrue(d.template().contains(":") || d.template().contains(";"), d + ": what is wrong, then what to do");
        }
    }

    @Test
    void formatPrefixesTheTag() {
        assertEquals("[KLN101] @Param field 'w' may not be private: Mlp_Module reads it directly; make it "
                + "package-private", Diagnostic.FIELD_PRIVATE.format("Param", "w", "Mlp_Module"));
        assertEquals("[KLN107] @Param field 'w' hides the annotated field of the same name in Base: both would have "
                + "the state-dict key 'w'; rename one", Diagnostic.FIELD_HIDES_INHERITED.format("Param", "w", "Base"));
    }
}
