package dev.kiln.processor.diag;

import java.io.PrintWriter;
import java.io.StringWriter;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/**
 * Prints {@link Diagnostic}s through javac's {@link Messager}, each attached to the element (and
 * annotation) it is about, so that IDEs and javac underline the exact field or method.
 */
public final class Reporter {
    private final Messager messager;
    private int errors;

    public Reporter(Messager messager) {
        this.messager = messager;
    }

    /** Prints {@code diagnostic} on {@code element}, on its {@code annotation} when not null. */
    public void report(Diagnostic diagnostic, Element element, AnnotationMirror annotation, Object... args) {
        String message = diagnostic.format(args);
        if (diagnostic.kind() == javax.tools.Diagnostic.Kind.ERROR) {
            errors++;
        }
        if (element == null) {
            messager.printMessage(diagnostic.kind(), message);
        } else if (annotation == null) {
            messager.printMessage(diagnostic.kind(), message, element);
        } else {
            messager.printMessage(diagnostic.kind(), message, element, annotation);
        }
    }

    /**
     * Prints {@code diagnostic} at {@code tree} of {@code unit} (the exact line of a statement), or on
     * {@code element} when the tree is unknown.
     */
    public void reportAt(Diagnostic diagnostic, com.sun.source.util.Trees trees, com.sun.source.tree.Tree tree,
            com.sun.source.tree.CompilationUnitTree unit, Element element, Object... args) {
        if (trees == null || tree == null || unit == null) {
            report(diagnostic, element, null, args);
            return;
        }
        if (diagnostic.kind() == javax.tools.Diagnostic.Kind.ERROR) {
            errors++;
        }
        trees.printMessage(diagnostic.kind(), diagnostic.format(args), tree, unit);
    }

    /**
     * Turns an exception thrown inside the processor into a {@link Diagnostic#PROCESSOR_BUG} error on
     * {@code element} (may be null), with the stack trace, so that no exception reaches javac.
     */
    public void bug(Element element, String what, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        report(Diagnostic.PROCESSOR_BUG, element, null, what, trace.toString().strip());
    }

    /** How many errors were printed. */
    public int errorCount() {
        return errors;
    }
}
