package dev.kiln.processor;

import com.google.auto.service.AutoService;
import dev.kiln.processor.autodiff.TreesAccess;
import dev.kiln.processor.codegen.java.SourceFiles;
import dev.kiln.processor.diag.Reporter;
import dev.kiln.processor.model.KilnTypes;
import dev.kiln.processor.step.DerivativesStep;
import dev.kiln.processor.step.ModuleStep;
import dev.kiln.processor.step.ProcessingStep;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * The Kiln annotation processor: registers itself and runs a list of {@link ProcessingStep}s.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Each step receives, every round, the classes enclosing its annotated elements, plus those
 *       it deferred the round before (by name: elements are looked up again in each round). A class
 *       deferred because a type does not resolve is validated once more in the last round and its
 *       problems printed then; javac reports the unresolved type itself.</li>
 *   <li>No exception reaches javac: anything thrown becomes a {@code [KLN999]} error that says it
 *       is a bug in the processor, on the class being processed.</li>
 *   <li>Output depends only on each class and its superclasses (Gradle's "isolating" category, as
 *       declared in {@code META-INF/gradle/incremental.annotation.processors}).</li>
 *   <li>It claims Kiln's annotations and {@code @Generated}, so that {@code -Xlint:all -Werror} builds
 *       pass (an unclaimed annotation is a {@code -Xlint:processing} warning). A universal
 *       ({@code "*"}) processor that runs after Kiln then sees no annotations; the option
 *       {@code -Akiln.claimAnnotations=false} leaves them unclaimed. The later stages of Kiln
 *       (compiled forward, kernels) are steps of this processor, not processors of their own.</li>
 * </ul>
 * Limits: local and anonymous classes are invisible to annotation processors; they use the
 * runtime's reflective fallback.
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {
    private static final String GENERATED = "javax.annotation.processing.Generated";
    /** {@code -Akiln.claimAnnotations=false} leaves Kiln's annotations to later processors. */
    public static final String CLAIM_OPTION = "kiln.claimAnnotations";

    private Reporter reporter;
    private List<ProcessingStep> steps = List.of();
    private final Map<ProcessingStep, Set<String>> deferred = new LinkedHashMap<>();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        reporter = new Reporter(env.getMessager());
        KilnTypes kilnTypes = new KilnTypes(env.getElementUtils(), env.getTypeUtils());
        SourceFiles files = new SourceFiles(env.getFiler(), reporter, KilnProcessor.class.getName());
        steps = List.of(new ModuleStep(kilnTypes, reporter, files, TreesAccess.of(env).orElse(null), env.getClass().getName()),
                new DerivativesStep(reporter, files));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        Set<String> names = new LinkedHashSet<>();
        for (ProcessingStep step : steps) {
            names.addAll(step.annotationNames());
        }
        // Claimed (see process) so that Kiln's own generated files do not trip -Xlint:processing.
        names.add(GENERATED);
        return names;
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(CLAIM_OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (ProcessingStep step : steps) {
            try {
                Set<TypeElement> types = new LinkedHashSet<>();
                for (String name : deferred.getOrDefault(step, Set.of())) {
                    TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
                    if (type != null) {
                        types.add(type);
                    }
                }
                if (round.processingOver()) {
                    deferred.remove(step);
                    step.finish(types);
                    continue;
                }
                for (String annotation : step.annotationNames()) {
                    TypeElement a = processingEnv.getElementUtils().getTypeElement(annotation);
                    if (a == null) {
                        continue;
                    }
                    for (Element e : round.getElementsAnnotatedWith(a)) {
                        TypeElement type = enclosingType(e);
                        if (type != null) {
                            types.add(type);
                        }
                    }
                }
                deferred.put(step, step.process(types));
            } catch (RuntimeException | Error e) {
                reporter.bug(null, "round " + (round.processingOver() ? "(last)" : "") + " of "
                        + step.getClass().getSimpleName(), e);
            }
        }
        // Claim Kiln's annotations and @Generated (javac passes no others): unclaimed, they would make
        // -Xlint:processing warn "No processor claimed any of these annotations", which breaks users'
        // -Xlint:all -Werror builds (and ours: generated sources carry @Generated).
        return !"false".equals(processingEnv.getOptions().get(CLAIM_OPTION));
    }

    private static TypeElement enclosingType(Element e) {
        Element t = e;
        while (t != null && !(t instanceof TypeElement)) {
            t = t.getEnclosingElement();
        }
        return (TypeElement) t;
    }
}
