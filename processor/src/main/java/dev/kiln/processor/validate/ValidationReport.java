package dev.kiln.processor.validate;

import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.diag.Reporter;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/**
 * Every problem found in one module class. A validator adds all of them (it does not stop at the
 * first); generation runs only on a clean report.
 */
public final class ValidationReport {

    /**
     * One problem, ready to print.
     *
     * @param diagnostic what is wrong
     * @param element where: the field, method, parameter or class
     * @param annotation the annotation on {@code element} it is about, or null
     * @param args the message arguments
     */
    public record Problem(Diagnostic diagnostic, Element element, AnnotationMirror annotation, List<Object> args) {}

    private final List<Problem> problems = new ArrayList<>();

    /** Adds a problem. */
    public void add(Diagnostic diagnostic, Element element, AnnotationMirror annotation, Object... args) {
        problems.add(new Problem(diagnostic, element, annotation, List.of(args)));
    }

    /** Whether no problem was found. */
    public boolean isClean() {
        return problems.isEmpty();
    }

    /** The problems, in the order they were found. */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Prints every problem. */
    public void printTo(Reporter reporter) {
        for (Problem p : problems) {
            reporter.report(p.diagnostic(), p.element(), p.annotation(), p.args().toArray());
        }
    }
}
