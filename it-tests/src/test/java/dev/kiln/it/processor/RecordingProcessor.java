package dev.kiln.it.processor;

import dev.kiln.processor.KilnProcessor;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * The Kiln processor with a recording {@link Filer}: it notes every file the processor creates and
 * the originating elements it names, so tests can check the isolating contract and see what was
 * generated even when the compilation failed.
 */
final class RecordingProcessor implements Processor {

    /** One file the processor created. */
    record Created(String name, List<String> originatingElements) {}

    private final Processor delegate = new KilnProcessor();
    final List<Created> created = new CopyOnWriteArrayList<>();

    @Override
    public Set<String> getSupportedOptions() {
        return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return delegate.getSupportedSourceVersion();
    }

    @Override
    public void init(ProcessingEnvironment env) {
        delegate.init(new ProcessingEnvironment() {
            @Override
            public Map<String, String> getOptions() {
                return env.getOptions();
            }

            @Override
            public Messager getMessager() {
                return env.getMessager();
            }

            @Override
            public Filer getFiler() {
                return new RecordingFiler(env.getFiler());
            }

            @Override
            public Elements getElementUtils() {
                return env.getElementUtils();
            }

            @Override
            public Types getTypeUtils() {
                return env.getTypeUtils();
            }

            @Override
            public SourceVersion getSourceVersion() {
                return env.getSourceVersion();
            }

            @Override
            public Locale getLocale() {
                return env.getLocale();
            }
        });
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(Element element, AnnotationMirror annotation,
            ExecutableElement member, String userText) {
        return delegate.getCompletions(element, annotation, member, userText);
    }

    /** The names of the created files. */
    List<String> names() {
        return created.stream().map(Created::name).toList();
    }

    private final class RecordingFiler implements Filer {
        private final Filer filer;

        RecordingFiler(Filer filer) {
            this.filer = filer;
        }

        private void record(CharSequence name, Element... origins) {
            created.add(new Created(name.toString(),
                    java.util.Arrays.stream(origins).map(Object::toString).toList()));
        }

        @Override
        public JavaFileObject createSourceFile(CharSequence name, Element... origins) throws IOException {
            record(name, origins);
            return filer.createSourceFile(name, origins);
        }

        @Override
        public JavaFileObject createClassFile(CharSequence name, Element... origins) throws IOException {
            record(name, origins);
            return filer.createClassFile(name, origins);
        }

        @Override
        public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName, Element... origins) throws IOException {
            record(moduleAndPkg + "/" + relativeName, origins);
            return filer.createResource(location, moduleAndPkg, relativeName, origins);
        }

        @Override
        public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
                CharSequence relativeName) throws IOException {
            return filer.getResource(location, moduleAndPkg, relativeName);
        }
    }
}
