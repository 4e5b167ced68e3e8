package dev.kiln.processor.step;

import com.palantir.javapoet.ClassName;
import dev.kiln.annotations.spec.GenerateDerivatives;
import dev.kiln.annotations.spec.OpTable;
import dev.kiln.processor.codegen.java.DerivativesWriter;
import dev.kiln.processor.codegen.java.SourceFiles;
import dev.kiln.processor.diag.Reporter;
import java.util.Set;
import javax.lang.model.element.TypeElement;

/**
 * Writes the runtime's {@code Derivatives} class from the op table, next to the class annotated
 * {@code @GenerateDerivatives} (the runtime's {@code dev.kiln.ops.DerivativeSupport}), as PyTorch
 * generates its autograd functions from {@code derivatives.yaml}.
 */
public final class DerivativesStep implements ProcessingStep {
    private final Reporter reporter;
    private final SourceFiles files;
    private final DerivativesWriter writer = new DerivativesWriter();

    public DerivativesStep(Reporter reporter, SourceFiles files) {
        this.reporter = reporter;
        this.files = files;
    }

    @Override
    public Set<String> annotationNames() {
        return Set.of(GenerateDerivatives.class.getCanonicalName());
    }

    @Override
    public Set<String> process(Set<TypeElement> types) {
        for (TypeElement type : types) {
            try {
                ClassName support = ClassName.get(type);
                files.write(support.packageName(), writer.write(OpTable.load(), support), type);
            } catch (RuntimeException | Error e) {
                reporter.bug(type, "the op table", e);
            }
        }
        return Set.of();
    }

    @Override
    public void finish(Set<TypeElement> deferred) {
        // Nothing is ever deferred: the table needs no other type.
    }
}
