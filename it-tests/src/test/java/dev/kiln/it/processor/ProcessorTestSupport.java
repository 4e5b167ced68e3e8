package dev.kiln.it.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.annotations.Param;
import dev.kiln.processor.KilnProcessor;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Compiles inline sources with the Kiln processor against the real runtime. */
final class ProcessorTestSupport {
    private ProcessorTestSupport() {}

    /** A source file {@code test/Name.java} whose lines are numbered from 1 as given. */
    static JavaFileObject source(String qualifiedName, String... lines) {
        return JavaFileObjects.forSourceLines(qualifiedName, lines);
    }

    /** Compiles {@code sources} with the Kiln processor, with {@code -Xlint:all -Werror}. */
    static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new KilnProcessor()).withOptions("-Xlint:all", "-Werror").compile(sources);
    }

    /** The class-path entries of the runtime and the annotations. */
    static List<File> runtimeClasspath() {
        List<File> out = new ArrayList<>();
        out.add(location(dev.kiln.nn.Module.class));
        out.add(location(dev.kiln.tensor.Tensor.class));
        out.add(location(Param.class));
        return out;
    }

    static File location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
