package dev.kiln.processor.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.annotations.spec.OpSpec;
import dev.kiln.annotations.spec.OpTable;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code Derivatives}: for each op of the {@link OpTable} and each differentiable input, a
 * static method {@code <id>Grad<Input>(Tensor g, ...what the formula reads)} returning the formula.
 * The formulas' helpers are the static methods of the class that asked for it (its simple name is
 * used to qualify them: {@code DerivativeSupport.sumTo}), so the table needs no imports.
 */
public final class DerivativesWriter {
    /** The generated class's simple name. */
    public static final String NAME = "Derivatives";

    /** The {@code Derivatives} class for {@code table}, next to {@code support}. */
    public TypeSpec write(OpTable table, ClassName support) {
        TypeSpec.Builder type = TypeSpec.classBuilder(NAME)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("The derivative of each op input, generated from the op table ({@code derivatives.txt}): the one\n"
                        + "definition that eager autograd and compiled backwards both call.\n")
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        for (OpSpec op : table.ops()) {
            for (OpSpec.Grad grad : op.grads()) {
                type.addMethod(method(op, grad, support));
            }
        }
        return type.build();
    }

    private static MethodSpec method(OpSpec op, OpSpec.Grad grad, ClassName support) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(op.methodName(grad))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(RuntimeNames.TENSOR)
                .addJavadoc("The gradient of {@code $L} in {@code $L}: {@code $L}.\n", grad.input(), signature(op),
                        grad.formula())
                .addParameter(RuntimeNames.TENSOR, "g");
        for (String use : grad.uses()) {
            m.addParameter(typeOf(op, use), use);
        }
        m.addStatement("return $L", qualify(grad.formula(), support));
        return m.build();
    }

    private static TypeName typeOf(OpSpec op, String use) {
        if (use.equals("out")) {
            return RuntimeNames.TENSOR;
        }
        if (use.endsWith("Shape") && op.param(use) == null) {
            return TypeName.get(int[].class);
        }
        return switch (op.param(use).type()) {
            case "Tensor" -> RuntimeNames.TENSOR;
            case "double" -> TypeName.DOUBLE;
            case "int" -> TypeName.INT;
            case "boolean" -> TypeName.BOOLEAN;
            case "int[]" -> TypeName.get(int[].class);
            default -> throw new IllegalArgumentException("derivatives.txt: op " + op.id() + " has a parameter of type "
                    + op.param(use).type() + "; use Tensor, double, int, boolean or int[]");
        };
    }

    /** Prefixes unqualified calls ({@code sumTo(}) with the support class; method calls ({@code .mul(}) stay. */
    private static String qualify(String formula, ClassName support) {
        return formula.replaceAll("(?<![.\\w])([a-z]\\w*)\\s*\\(", support.simpleName() + ".$1(");
    }

    private static String signature(OpSpec op) {
        StringBuilder s = new StringBuilder(op.javaName()).append('(');
        for (int i = 0; i < op.params().size(); i++) {
            s.append(i == 0 ? "" : ", ").append(op.params().get(i).type()).append(' ').append(op.params().get(i).name());
        }
        return s.append(')').toString();
    }
}
