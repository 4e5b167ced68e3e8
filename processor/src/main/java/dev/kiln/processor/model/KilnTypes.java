package dev.kiln.processor.model;

import com.palantir.javapoet.ClassName;
import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.processor.model.LayerMember.LayerShape;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What the processor knows about Kiln's types: which classes are modules, which fields hold
 * tensors or modules, where the annotations are, and how generated classes are named. Shared by
 * validation and model building so that the two classify every field the same way.
 */
public final class KilnTypes {
    /** The base class of modules, in the runtime. */
    public static final String MODULE = "dev.kiln.nn.Module";
    /** The tensor class, in the runtime. */
    public static final String TENSOR = "dev.kiln.tensor.Tensor";
    /** The suffix of generated structure classes; the runtime looks them up by it. */
    public static final String STRUCTURE_SUFFIX = "_Module";
    /** The annotations on fields, in the order messages name them. */
    public static final List<Class<? extends Annotation>> FIELD_ANNOTATIONS = List.of(Param.class, Buffer.class,
            Layer.class);

    private final Elements elements;
    private final Types types;

    public KilnTypes(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** The runtime type that is not on the class path ({@link #MODULE} or {@link #TENSOR}), if any. */
    public Optional<String> missingRuntimeType() {
        for (String name : List.of(MODULE, TENSOR)) {
            if (elements.getTypeElement(name) == null) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private TypeMirror module() {
        return elements.getTypeElement(MODULE).asType();
    }

    /** Whether {@code type} is a class that extends Module (Module itself is not). */
    public boolean isModuleClass(TypeElement type) {
        return type.getKind() == ElementKind.CLASS
                && !type.getQualifiedName().contentEquals(MODULE)
                && types.isSubtype(types.erasure(type.asType()), types.erasure(module()));
    }

    /** Whether {@code type} is {@code Tensor}. */
    public boolean isTensor(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(TENSOR);
    }

    /** How a {@code @Layer} field of this type holds modules, or empty if it holds none. */
    public Optional<LayerShape> layerShape(TypeMirror type) {
        TypeMirror module = module();
        if (isModuleType(type)) {
            return Optional.of(LayerShape.SINGLE);
        }
        if (type.getKind() == TypeKind.ARRAY && isModuleType(((ArrayType) type).getComponentType())) {
            return Optional.of(LayerShape.ARRAY);
        }
        if (type.getKind() != TypeKind.DECLARED) {
            return Optional.empty();
        }
        TypeMirror someModule = types.getWildcardType(module, null);
        TypeElement list = elements.getTypeElement("java.util.List");
        if (types.isSubtype(type, types.getDeclaredType(list, someModule))) {
            return Optional.of(LayerShape.LIST);
        }
        TypeElement map = elements.getTypeElement("java.util.Map");
        TypeMirror string = elements.getTypeElement("java.lang.String").asType();
        if (types.isSubtype(type, types.getDeclaredType(map, string, someModule))) {
            return Optional.of(LayerShape.MAP);
        }
        return Optional.empty();
    }

    private boolean isModuleType(TypeMirror type) {
        if (type.getKind() == TypeKind.TYPEVAR) {
            return isModuleType(((TypeVariable) type).getUpperBound());
        }
        if (type.getKind() == TypeKind.INTERSECTION) {
            return types.isSubtype(type, module());
        }
        return type.getKind() == TypeKind.DECLARED && types.isSubtype(type, module());
    }

    /** Whether {@code type} is, or mentions, a type that does not resolve (yet). */
    public static boolean isUnresolved(TypeMirror type) {
        switch (type.getKind()) {
            case ERROR:
                return true;
            case ARRAY:
                return isUnresolved(((ArrayType) type).getComponentType());
            case DECLARED:
                for (TypeMirror arg : ((DeclaredType) type).getTypeArguments()) {
                    if (isUnresolved(arg)) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    /** The fields of {@code type} with a Kiln annotation, in declaration order. */
    public List<VariableElement> annotatedFields(TypeElement type) {
        List<VariableElement> out = new ArrayList<>();
        for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            if (!fieldAnnotations(field).isEmpty()) {
                out.add(field);
            }
        }
        return out;
    }

    /** The Kiln annotations on {@code field}, in the order they appear. */
    public List<AnnotationMirror> fieldAnnotations(Element field) {
        List<AnnotationMirror> out = new ArrayList<>();
        for (AnnotationMirror mirror : field.getAnnotationMirrors()) {
            String name = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            for (Class<? extends Annotation> a : FIELD_ANNOTATIONS) {
                if (a.getCanonicalName().equals(name)) {
                    out.add(mirror);
                }
            }
        }
        return out;
    }

    /** The methods of {@code type} annotated {@code @Forward}, in declaration order. */
    public List<ExecutableElement> forwardMethods(TypeElement type) {
        List<ExecutableElement> out = new ArrayList<>();
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (mirror(method, Forward.class).isPresent()) {
                out.add(method);
            }
        }
        return out;
    }

    /** Whether {@code type} itself declares a Kiln-annotated field or a {@code @Forward} method. */
    public boolean declaresKilnAnnotations(TypeElement type) {
        return !annotatedFields(type).isEmpty() || !forwardMethods(type).isEmpty();
    }

    /** The mirror of annotation {@code annotation} on {@code element}, if present. */
    public static Optional<AnnotationMirror> mirror(Element element, Class<? extends Annotation> annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName()
                    .contentEquals(annotation.getCanonicalName())) {
                return Optional.of(mirror);
            }
        }
        return Optional.empty();
    }

    /** The simple name of an annotation mirror's type, as messages show it ({@code Param}). */
    public static String simpleName(AnnotationMirror mirror) {
        return mirror.getAnnotationType().asElement().getSimpleName().toString();
    }

    /** The superclass of {@code type}, or empty for Object, Module and unresolved superclasses. */
    public Optional<TypeElement> superclass(TypeElement type) {
        TypeMirror sup = type.getSuperclass();
        if (sup.getKind() != TypeKind.DECLARED) {
            return Optional.empty();
        }
        TypeElement element = (TypeElement) ((DeclaredType) sup).asElement();
        if (element.getQualifiedName().contentEquals(MODULE)
                || element.getQualifiedName().contentEquals("java.lang.Object")) {
            return Optional.empty();
        }
        return Optional.of(element);
    }

    /** Whether {@code type}'s superclass chain up to Module mentions a type that does not resolve. */
    public boolean hasUnresolvedSuperclass(TypeElement type) {
        for (TypeElement t = type; t != null; t = superclass(t).orElse(null)) {
            if (t.getSuperclass().getKind() == TypeKind.ERROR) {
                return true;
            }
        }
        return false;
    }

    /** The nearest superclass (below Module) that declares Kiln annotations, if any. */
    public Optional<TypeElement> nearestAnnotatedSuperclass(TypeElement type) {
        for (TypeElement t = superclass(type).orElse(null); t != null; t = superclass(t).orElse(null)) {
            if (declaresKilnAnnotations(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code type} or a superclass below Module declares a {@code @Forward} method. */
    public boolean hasForwardInHierarchy(TypeElement type) {
        for (TypeElement t = type; t != null; t = superclass(t).orElse(null)) {
            if (!forwardMethods(t).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The generated structure class of {@code type}: its binary name within the package with
     * {@code $} replaced by {@code _}, plus {@code _Module} ({@code pkg.Outer.Inner} gives
     * {@code pkg.Outer_Inner_Module}). The runtime derives the same name from {@code Class.getName()}.
     */
    public ClassName structureName(TypeElement type) {
        PackageElement pkg = elements.getPackageOf(type);
        String binary = elements.getBinaryName(type).toString();
        String packageName = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
        String simple = packageName.isEmpty() ? binary : binary.substring(packageName.length() + 1);
        return ClassName.get(packageName, simple.replace('$', '_') + STRUCTURE_SUFFIX);
    }

    /**
     * How an untyped argument reaches a {@code @Forward} parameter of this type, or empty if the
     * type is not allowed there. {@code last} says whether it is the method's last parameter.
     */
    public Optional<ForwardParameter.Kind> forwardParameterKind(TypeMirror type, boolean last) {
        if (type.getKind().isPrimitive()) {
            return Optional.of(ForwardParameter.Kind.PRIMITIVE);
        }
        if (isTensor(type)) {
            return Optional.of(ForwardParameter.Kind.TENSOR);
        }
        if (type.getKind() == TypeKind.ARRAY && isTensor(((ArrayType) type).getComponentType())) {
            return last ? Optional.of(ForwardParameter.Kind.TENSORS) : Optional.empty();
        }
        if (type.getKind() == TypeKind.DECLARED) {
            String name = ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
            if (name.equals("java.lang.String")) {
                return Optional.of(ForwardParameter.Kind.REFERENCE);
            }
            try {
                if (types.unboxedType(type).getKind().isPrimitive()) {
                    return Optional.of(ForwardParameter.Kind.REFERENCE);
                }
            } catch (IllegalArgumentException notABox) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The {@code Types} utility of this compilation. */
    public Types types() {
        return types;
    }

    /** The {@code Elements} utility of this compilation. */
    public Elements elements() {
        return elements;
    }
}
