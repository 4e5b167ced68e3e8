package dev.kiln.it.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * A test processor that, in its first round, writes the module {@code test.Gen}: a type the Kiln
 * processor must wait for, since it does not resolve in the round it first sees its user.
 */
final class GeneratingProcessor extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (done) {
            return false;
        }
        done = true;
        try (Writer w = processingEnv.getFiler().createSourceFile("test.Gen").openWriter()) {
            w.write("package test;\n"
                    + "import dev.kiln.annotations.*;\n"
                    + "import dev.kiln.tensor.Tensor;\n"
                    + "public class Gen extends dev.kiln.nn.Module {\n"
                    + "    @Param Tensor w;\n"
                    + "    @Forward public Tensor forward(Tensor x) { return x; }\n"
                    + "}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }
}
