package dev.kiln.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.CompileMode;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.processor.model.TensorMember.TensorKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Builds the {@link ModuleModel} of a module class. It assumes the class passed
 * {@code ModuleValidator}: a field or method it cannot classify is a bug in the processor, reported
 * as an {@link IllegalStateException}.
 */
public final class ModuleModelFactory {
    private final KilnTypes kilnTypes;

    public ModuleModelFactory(KilnTypes kilnTypes) {
        this.kilnTypes = kilnTypes;
    }

    /** The model of {@code type}. */
    public ModuleModel build(TypeElement type) {
        ClassName moduleClass = ClassName.get(type);
        TypeName moduleType = moduleClass;
        if (!type.getTypeParameters().isEmpty()) {
            TypeName[] wildcards = new TypeName[type.getTypeParameters().size()];
            java.util.Arrays.fill(wildcards, WildcardTypeName.subtypeOf(Object.class));
            moduleType = ParameterizedTypeName.get(moduleClass, wildcards);
        }
        Optional<ClassName> superStructure = kilnTypes.nearestAnnotatedSuperclass(type)
                .map(kilnTypes::structureName);

        List<MemberModel> members = new ArrayList<>();
        for (VariableElement field : kilnTypes.annotatedFields(type)) {
            members.add(member(field));
        }

        List<ExecutableElement> forwards = kilnTypes.forwardMethods(type);
        ForwardModel forward;
        if (!forwards.isEmpty()) {
            forward = declared(type, forwards.get(0));
        } else if (superStructure.isPresent()) {
            forward = new ForwardModel.Inherited();
        } else {
            forward = new ForwardModel.None();
        }
        return new ModuleModel(type, moduleClass, moduleType, kilnTypes.structureName(type), superStructure, members,
                forward);
    }

    private MemberModel member(VariableElement field) {
        String name = field.getSimpleName().toString();
        if (KilnTypes.mirror(field, Param.class).isPresent()) {
            return new TensorMember(name, TensorKind.PARAMETER, true);
        }
        Buffer buffer = field.getAnnotation(Buffer.class);
        if (buffer != null) {
            return new TensorMember(name, TensorKind.BUFFER, buffer.persistent());
        }
        Layer layer = field.getAnnotation(Layer.class);
        return new LayerMember(name, kilnTypes.layerShape(field.asType()).orElseThrow(
                () -> new IllegalStateException("unclassified @Layer field " + name + " passed validation")),
                layer != null && layer.inline());
    }

    private ForwardModel.Declared declared(TypeElement type, ExecutableElement method) {
        List<ForwardParameter> parameters = new ArrayList<>();
        StringJoiner signature = new StringJoiner(", ",
                type.getSimpleName() + "." + method.getSimpleName() + "(", ")");
        List<? extends VariableElement> params = method.getParameters();
        for (int i = 0; i < params.size(); i++) {
            VariableElement p = params.get(i);
            boolean last = i == params.size() - 1;
            TypeMirror t = p.asType();
            ForwardParameter.Kind kind = kilnTypes.forwardParameterKind(t, last).orElseThrow(
                    () -> new IllegalStateException("unclassified @Forward parameter " + p + " passed validation"));
            parameters.add(new ForwardParameter(p.getSimpleName().toString(), kind, TypeName.get(t)));
            signature.add(last && method.isVarArgs()
                    ? simpleName(((ArrayType) t).getComponentType()) + "..."
                    : simpleName(t));
        }
        Forward annotation = method.getAnnotation(Forward.class);
        CompileMode compile = annotation == null ? CompileMode.AUTO : annotation.compile();
        return new ForwardModel.Declared(method.getSimpleName().toString(), parameters,
                TypeName.get(method.getReturnType()), compile, signature.toString());
    }

    private static String simpleName(TypeMirror t) {
        if (t.getKind() == TypeKind.DECLARED) {
            return ((DeclaredType) t).asElement().getSimpleName().toString();
        }
        if (t.getKind() == TypeKind.ARRAY) {
            return simpleName(((ArrayType) t).getComponentType()) + "[]";
        }
        return t.toString();
    }
}
