package dev.kiln.processor.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.processor.diag.Reporter;
import dev.kiln.processor.model.KilnTypes;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.Name;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/** No exception reaches javac: a failure inside the step becomes a [KLN999] diagnostic. */
class ModuleStepTest {

    private static final class RecordingMessager implements Messager {
        final List<String> messages = new ArrayList<>();
        final List<Element> elements = new ArrayList<>();

        @Override
        public void printMessage(Diagnostic.Kind kind, CharSequence msg) {
            messages.add(kind + " " + msg);
            elements.add(null);
        }

        @Override
        public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e) {
            messages.add(kind + " " + msg);
            elements.add(e);
        }

        @Override
        public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a) {
            printMessage(kind, msg, e);
        }

        @Override
        public void printMessage(Diagnostic.Kind kind, CharSequence msg, Element e, AnnotationMirror a,
                AnnotationValue v) {
            printMessage(kind, msg, e);
        }
    }

    private static Name name(String s) {
        return (Name) Proxy.newProxyInstance(Name.class.getClassLoader(), new Class<?>[] {Name.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "toString" -> s;
                    case "contentEquals" -> s.contentEquals((CharSequence) args[0]);
                    case "length" -> s.length();
                    case "charAt" -> s.charAt((int) args[0]);
                    case "subSequence" -> s.subSequence((int) args[0], (int) args[1]);
                    case "hashCode" -> s.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A class element whose every other query throws, as a bug in the processor would. */
    private static TypeElement exploding(String qualifiedName) {
        return (TypeElement) Proxy.newProxyInstance(TypeElement.class.getClassLoader(),
                new Class<?>[] {TypeElement.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getQualifiedName" -> name(qualifiedName);
                    case "toString" -> qualifiedName;
                    case "hashCode" -> qualifiedName.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> throw new IllegalStateException("boom in " + method.getName());
                });
    }

    @Test
    void anExceptionInOneClassBecomesABugDiagnosticAndTheOthersGoOn() {
        RecordingMessager messager = new RecordingMessager();
        Reporter reporter = new Reporter(messager);
        ModuleStep step = new ModuleStep(new KilnTypes(null, null), reporter, null);
        TypeElement a = exploding("test.A");
        TypeElement b = exploding("test.B");
        Set<String> deferred = step.process(new java.util.LinkedHashSet<>(List.of(a, b)));
        assertEquals(Set.of(), deferred);
        assertEquals(2, messager.messages.size(), messager.messages.toString());
        String first = messager.messages.get(0);
        assertTrue(first.startsWith("ERROR [KLN999] this is a bug in the Kiln annotation processor, not in your code, "
                + "while processing test.A; please report it with this message."), first);
        assertTrue(first.contains("java.lang.IllegalStateException: boom in getSuperclass"), first);
        assertEquals(a, messager.elements.get(0), "reported on the class");
        assertTrue(messager.messages.get(1).contains("while processing test.B"));
        assertEquals(2, reporter.errorCount());
    }
}
