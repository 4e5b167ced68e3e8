package dev.kiln.processor.step;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.processor.codegen.java.SourceFiles;
import dev.kiln.processor.codegen.java.StructureWriter;
import dev.kiln.processor.diag.Reporter;
import dev.kiln.processor.model.KilnTypes;
import dev.kiln.processor.model.ModuleModel;
import dev.kiln.processor.model.ModuleModelFactory;
import dev.kiln.processor.validate.ModuleValidator;
import dev.kiln.processor.validate.ValidationReport;
import com.sun.source.util.Trees;
import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.spec.OpTable;
import dev.kiln.processor.autodiff.ForwardReader;
import dev.kiln.processor.codegen.java.CompiledWriter;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.model.ForwardModel;
import dev.kiln.processor.model.ir.ForwardIr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * The module step: for each class with {@code @Layer}, {@code @Param}, {@code @Buffer} or
 * {@code @Forward} members, validate it, build its {@link ModuleModel} and write its
 * {@code Foo_Module} structure class.
 *
 * <p>Superclasses are processed before their subclasses. A class whose annotated superclass
 * failed validation is not generated (the superclass's errors are the ones to fix).
 */
public final class ModuleStep implements ProcessingStep {
    private final KilnTypes kilnTypes;
    private final Reporter reporter;
    private final ModuleValidator validator;
    private final ModuleModelFactory factory;
    private final StructureWriter writer = new StructureWriter();
    private final SourceFiles files;
    private static final OpTable TABLE = OpTable.load();
    private final CompiledWriter compiledWriter = new CompiledWriter(TABLE);
    private final Trees trees;
    private final ForwardReader reader;
    private final String environment;
    /** Every module class of this compilation seen so far: each gets a structure unless it fails. */
    private final Set<String> known = new HashSet<>();
    private final Set<String> failed = new HashSet<>();

    public ModuleStep(KilnTypes kilnTypes, Reporter reporter, SourceFiles files) {
        this(kilnTypes, reporter, files, null, "unknown");
    }

    /**
     * A step that also compiles {@code @Forward} bodies through {@code trees} (null when the compiler
     * has no tree API, named by {@code environment} in the note).
     */
    public ModuleStep(KilnTypes kilnTypes, Reporter reporter, SourceFiles files, Trees trees, String environment) {
        this.trees = trees;
        this.environment = environment;
        this.reader = trees == null ? null : new ForwardReader(trees, TABLE);
        this.kilnTypes = kilnTypes;
        this.reporter = reporter;
        this.validator = new ModuleValidator(kilnTypes);
        this.factory = new ModuleModelFactory(kilnTypes);
        this.files = files;
    }

    @Override
    public Set<String> annotationNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> a : List.of(Layer.class, Param.class, Buffer.class, Forward.class)) {
            names.add(a.getCanonicalName());
        }
        return names;
    }

    @Override
    public Set<String> process(Set<TypeElement> types) {
        for (TypeElement type : types) {
            known.add(type.getQualifiedName().toString());
        }
        // Superclasses first, so that a subclass of a class that failed is skipped quietly.
        Map<TypeElement, Integer> depths = new LinkedHashMap<>();
        for (TypeElement type : types) {
            try {
                depths.put(type, depth(type));
            } catch (RuntimeException | Error e) {
                failed.add(type.getQualifiedName().toString());
                reporter.bug(type, type.getQualifiedName().toString(), e);
            }
        }
        List<TypeElement> ordered = new ArrayList<>(depths.keySet());
        ordered.sort(Comparator.comparing(depths::get));
        Set<String> deferred = new LinkedHashSet<>();
        for (TypeElement type : ordered) {
            String name = type.getQualifiedName().toString();
            try {
                if (validator.isUnresolved(type)) {
                    deferred.add(name);
                    continue;
                }
                ValidationReport report = validator.validate(type, this::structureExists);
                if (!report.isClean()) {
                    report.printTo(reporter);
                    failed.add(name);
                    continue;
                }
                if (superclassFailed(type)) {
                    failed.add(name);
                    continue;
                }
                ModuleModel model = compile(type, factory.build(type));
                boolean written = files.write(model.structureClass().packageName(), writer.write(model), type);
                // Without its structure (a name clash, already reported) the compiled class would clash too.
                if (written && model.forward() instanceof ForwardModel.Declared d && d.ir().isPresent()) {
                    files.write(model.structureClass().packageName(),
                            compiledWriter.write(model, d.ir().get(), d.signature()), type);
                }
            } catch (RuntimeException | Error e) {
                failed.add(name);
                reporter.bug(type, name, e);
            }
        }
        return deferred;
    }

    /** The model with the IR of its {@code @Forward} body when it compiles; otherwise a note (an error under REQUIRED). */
    private ModuleModel compile(TypeElement type, ModuleModel model) {
        if (!(model.forward() instanceof ForwardModel.Declared declared) || declared.compile() == CompileMode.EAGER) {
            return model;
        }
        ExecutableElement method = forwardMethod(type);
        if (trees == null) {
            reporter.report(Diagnostic.COMPILE_NO_TREE_API, method, null, declared.signature(), environment);
            return model;
        }
        ForwardReader.Result result = reader.read(type, method);
        if (result instanceof ForwardReader.Result.Rejected r) {
            Diagnostic d = declared.compile() == CompileMode.REQUIRED
                    ? Diagnostic.COMPILE_REQUIRED_FAILED : Diagnostic.COMPILE_EAGER_NOTE;
            reporter.reportAt(d, trees, r.tree(), r.unit(), method, declared.signature(), r.line(), r.reason());
            return model;
        }
        ForwardIr ir = ((ForwardReader.Result.Compiled) result).ir();
        return new ModuleModel(model.element(), model.moduleClass(), model.moduleType(), model.structureClass(),
                model.superStructure(), model.members(), declared.withIr(ir));
    }

    private static ExecutableElement forwardMethod(TypeElement type) {
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (m.getAnnotation(Forward.class) != null) {
                return m;
            }
        }
        throw new IllegalStateException("no @Forward method in " + type + " after validation");
    }

    @Override
    public void finish(Set<TypeElement> deferred) {
        for (TypeElement type : deferred) {
            try {
                validator.validate(type, this::structureExists).printTo(reporter);
            } catch (RuntimeException | Error e) {
                reporter.bug(type, type.getQualifiedName().toString(), e);
            }
        }
    }

    private boolean structureExists(TypeElement type) {
        return known.contains(type.getQualifiedName().toString())
                || kilnTypes.elements().getTypeElement(kilnTypes.structureName(type).canonicalName()) != null;
    }

    private boolean superclassFailed(TypeElement type) {
        return kilnTypes.nearestAnnotatedSuperclass(type)
                .map(sup -> failed.contains(sup.getQualifiedName().toString()))
                .orElse(false);
    }

    private int depth(TypeElement type) {
        int depth = 0;
        for (TypeElement t = kilnTypes.superclass(type).orElse(null); t != null;
                t = kilnTypes.superclass(t).orElse(null)) {
            depth++;
        }
        return depth;
    }
}
