package dev.kiln.processor.validate;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.processor.diag.Diagnostic;
import dev.kiln.processor.model.KilnTypes;
import dev.kiln.processor.model.LayerMember.LayerShape;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Checks one class that carries Kiln annotations against the rules of modules, fields and
 * {@code @Forward} methods, and returns every problem it finds in a {@link ValidationReport}.
 *
 * <p>Types that do not resolve are not judged here (javac reports them, and the step defers the
 * class while they may still be generated).
 */
public final class ModuleValidator {
    private final KilnTypes kilnTypes;

    public ModuleValidator(KilnTypes kilnTypes) {
        this.kilnTypes = kilnTypes;
    }

    /**
     * Validates {@code type}.
     *
     * @param structureExists whether a module class (a superclass of {@code type}) has, or is about to
     *     have, a generated structure
     */
    public ValidationReport validate(TypeElement type, Predicate<TypeElement> structureExists) {
        ValidationReport report = new ValidationReport();
        Optional<String> missing = kilnTypes.missingRuntimeType();
        if (missing.isPresent()) {
            report.add(Diagnostic.RUNTIME_MISSING, type, null, missing.get());
            return report;
        }
        List<VariableElement> fields = kilnTypes.annotatedFields(type);
        List<ExecutableElement> forwards = kilnTypes.forwardMethods(type);
        String className = displayName(type);
        if (!kilnTypes.isModuleClass(type)) {
            for (VariableElement field : fields) {
                AnnotationMirror first = kilnTypes.fieldAnnotations(field).get(0);
                report.add(Diagnostic.NOT_A_MODULE, field, first, KilnTypes.simpleName(first), "field",
                        field.getSimpleName(), className);
            }
            for (ExecutableElement method : forwards) {
                report.add(Diagnostic.NOT_A_MODULE, method, forwardMirror(method), "Forward", "method",
                        method.getSimpleName(), className);
            }
            return report;
        }
        String structure = kilnTypes.structureName(type).simpleName();

        if (isPrivate(type)) {
            report.add(Diagnostic.CLASS_PRIVATE, type, null, className, structure);
        }
        if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
            report.add(Diagnostic.CLASS_INNER, type, null, className);
        }

        for (VariableElement field : fields) {
            validateField(report, type, field, structure);
        }
        validateInline(report, type, fields);

        for (int i = 1; i < forwards.size(); i++) {
            report.add(Diagnostic.FORWARD_DUPLICATE, forwards.get(i), forwardMirror(forwards.get(i)), className,
                    forwards.get(0).getSimpleName());
        }
        for (ExecutableElement method : forwards) {
            validateForward(report, method, structure);
        }
        if (forwards.isEmpty() && !type.getModifiers().contains(Modifier.ABSTRACT)
                && !kilnTypes.hasForwardInHierarchy(type)) {
            report.add(Diagnostic.MISSING_FORWARD, type, null, className, className);
        }

        kilnTypes.nearestAnnotatedSuperclass(type).ifPresent(sup -> {
            if (!structureExists.test(sup)) {
                report.add(Diagnostic.SUPERCLASS_NOT_PROCESSED, type, null, className, displayName(sup),
                        kilnTypes.structureName(sup).simpleName());
            }
        });
        return report;
    }

    private void validateField(ValidationReport report, TypeElement type, VariableElement field, String structure) {
        List<AnnotationMirror> mirrors = kilnTypes.fieldAnnotations(field);
        AnnotationMirror first = mirrors.get(0);
        String annotation = KilnTypes.simpleName(first);
        String name = field.getSimpleName().toString();
        if (mirrors.size() > 1) {
            report.add(Diagnostic.CONFLICTING_ANNOTATIONS, field, mirrors.get(1), name, annotation,
                    KilnTypes.simpleName(mirrors.get(1)));
        }
        if (field.getModifiers().contains(Modifier.PRIVATE)) {
            report.add(Diagnostic.FIELD_PRIVATE, field, first, annotation, name, structure);
        }
        if (field.getModifiers().contains(Modifier.STATIC)) {
            report.add(Diagnostic.FIELD_STATIC, field, first, annotation, name);
        }
        TypeMirror fieldType = field.asType();
        boolean resolved = !KilnTypes.isUnresolved(fieldType);
        if (annotation.equals(Layer.class.getSimpleName())) {
            Optional<LayerShape> shape = resolved ? kilnTypes.layerShape(fieldType) : Optional.empty();
            if (resolved && shape.isEmpty()) {
                report.add(Diagnostic.LAYER_FIELD_TYPE, field, first, name, fieldType);
            }
            if (shape.equals(Optional.of(LayerShape.SINGLE)) && isInline(field)) {
                report.add(Diagnostic.LAYER_INLINE_SINGLE, field, first, name);
            }
        } else {
            if (field.getModifiers().contains(Modifier.FINAL)) {
                report.add(Diagnostic.FIELD_FINAL, field, first, annotation, name, structure);
            }
            if (resolved && !kilnTypes.isTensor(fieldType)) {
                report.add(Diagnostic.TENSOR_FIELD_TYPE, field, first, annotation, name, fieldType);
            }
        }
        if (!field.getModifiers().contains(Modifier.STATIC)) {
            for (TypeElement t = kilnTypes.superclass(type).orElse(null); t != null;
                    t = kilnTypes.superclass(t).orElse(null)) {
                boolean hidden = kilnTypes.annotatedFields(t).stream()
                        .anyMatch(f -> f.getSimpleName().contentEquals(name)
                                && !f.getModifiers().contains(Modifier.STATIC));
                if (hidden) {
                    report.add(Diagnostic.FIELD_HIDES_INHERITED, field, first, annotation, name, displayName(t));
                    break;
                }
            }
        }
    }

    /** At most one inline container per class, superclasses included (their names would collide). */
    private void validateInline(ValidationReport report, TypeElement type, List<VariableElement> fields) {
        String firstInline = null;
        for (TypeElement t = kilnTypes.superclass(type).orElse(null); t != null && firstInline == null;
                t = kilnTypes.superclass(t).orElse(null)) {
            for (VariableElement f : kilnTypes.annotatedFields(t)) {
                if (isInlineContainer(f)) {
                    firstInline = displayName(t) + "." + f.getSimpleName();
                    break;
                }
            }
        }
        for (VariableElement field : fields) {
            if (!isInlineContainer(field)) {
                continue;
            }
            if (firstInline == null) {
                firstInline = field.getSimpleName().toString();
            } else {
                report.add(Diagnostic.LAYER_INLINE_TWICE, field, KilnTypes.mirror(field, Layer.class).orElse(null),
                        field.getSimpleName(), firstInline);
            }
        }
    }

    private static boolean isInline(VariableElement field) {
        Layer layer = field.getAnnotation(Layer.class);
        return layer != null && layer.inline();
    }

    /** An inline list, array or map (an inline single module is KLN108, not counted here). */
    private boolean isInlineContainer(VariableElement field) {
        return isInline(field) && !KilnTypes.isUnresolved(field.asType())
                && kilnTypes.layerShape(field.asType()).filter(s -> s != LayerShape.SINGLE).isPresent();
    }

    private void validateForward(ValidationReport report, ExecutableElement method, String structure) {
        AnnotationMirror mirror = forwardMirror(method);
        String name = method.getSimpleName().toString();
        if (method.getModifiers().contains(Modifier.PRIVATE)) {
            report.add(Diagnostic.FORWARD_PRIVATE, method, mirror, name, structure);
        }
        if (method.getModifiers().contains(Modifier.STATIC)) {
            report.add(Diagnostic.FORWARD_STATIC, method, mirror, name);
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT)) {
            report.add(Diagnostic.FORWARD_ABSTRACT, method, mirror, name);
        }
        if (method.getReturnType().getKind() == TypeKind.VOID) {
            report.add(Diagnostic.FORWARD_VOID, method, mirror, name);
        }
        List<? extends VariableElement> params = method.getParameters();
        for (int i = 0; i < params.size(); i++) {
            VariableElement p = params.get(i);
            TypeMirror t = p.asType();
            if (!KilnTypes.isUnresolved(t) && kilnTypes.forwardParameterKind(t, i == params.size() - 1).isEmpty()) {
                report.add(Diagnostic.FORWARD_PARAMETER_TYPE, p, null, name, p.getSimpleName(), t);
            }
        }
        TypeMirror runtimeException = kilnTypes.elements().getTypeElement("java.lang.RuntimeException").asType();
        TypeMirror error = kilnTypes.elements().getTypeElement("java.lang.Error").asType();
        for (TypeMirror thrown : method.getThrownTypes()) {
            if (!KilnTypes.isUnresolved(thrown) && !kilnTypes.types().isSubtype(thrown, runtimeException)
                    && !kilnTypes.types().isSubtype(thrown, error)) {
                report.add(Diagnostic.FORWARD_CHECKED_EXCEPTION, method, mirror, name, thrown);
            }
        }
    }

    private static AnnotationMirror forwardMirror(Element method) {
        return KilnTypes.mirror(method, Forward.class).orElse(null);
    }

    private static boolean isPrivate(TypeElement type) {
        for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
            if (e.getModifiers().contains(Modifier.PRIVATE)) {
                return true;
            }
        }
        return false;
    }

    /** The class's name within its package: {@code Mlp}, {@code Outer.Inner}. */
    static String displayName(TypeElement type) {
        StringBuilder sb = new StringBuilder(type.getSimpleName());
        for (Element e = type.getEnclosingElement(); e instanceof TypeElement; e = e.getEnclosingElement()) {
            sb.insert(0, e.getSimpleName() + ".");
        }
        return sb.toString();
    }

    /** Whether {@code type} or something it mentions in its module structure does not resolve yet. */
    public boolean isUnresolved(TypeElement type) {
        if (kilnTypes.hasUnresolvedSuperclass(type)) {
            return true;
        }
        for (VariableElement field : kilnTypes.annotatedFields(type)) {
            if (KilnTypes.isUnresolved(field.asType())) {
                return true;
            }
        }
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (KilnTypes.mirror(method, Forward.class).isEmpty()) {
                continue;
            }
            if (KilnTypes.isUnresolved(method.getReturnType())) {
                return true;
            }
            for (VariableElement p : method.getParameters()) {
                if (KilnTypes.isUnresolved(p.asType())) {
                    return true;
                }
            }
        }
        return false;
    }
}
