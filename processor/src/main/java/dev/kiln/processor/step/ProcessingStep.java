package dev.kiln.processor.step;

import java.util.Set;
import javax.lang.model.element.TypeElement;

/**
 * One family of annotations and what the processor does with the classes that carry them. The
 * processor hands each step, every round, the classes that carry its annotations in that round
 * plus those it deferred in the round before.
 */
public interface ProcessingStep {

    /** The canonical names of the annotations this step processes. */
    Set<String> annotationNames();

    /**
     * Processes {@code types}, reporting problems and writing files, and returns the qualified names
     * of the classes it cannot process yet because a type they mention does not resolve (it may be
     * generated in this round). A failure in one class must not stop the others.
     */
    Set<String> process(Set<TypeElement> types);

    /** Called in the last round with the classes that were deferred and never resolved. */
    void finish(Set<TypeElement> deferred);
}
