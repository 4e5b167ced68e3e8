package dev.kiln.processor.model;

import com.palantir.javapoet.TypeName;
import dev.kiln.annotations.CompileMode;
import java.util.List;

/**
 * Where a module's {@code @Forward} method is: declared by the class, inherited from the nearest
 * annotated superclass, or absent (an abstract class that leaves it to subclasses).
 *
 * <p>The compiled-forward stage adds the IR of the method body to {@link Declared} as one more
 * record component; nothing else in the model changes.
 */
public sealed interface ForwardModel permits ForwardModel.Declared, ForwardModel.Inherited, ForwardModel.None {

    /**
     * A {@code @Forward} method of the class itself.
     *
     * @param methodName the method's name
     * @param parameters its parameters, in order
     * @param returnType its return type
     * @param compile the {@code compile} attribute of {@code @Forward}
     * @param signature the method as messages show it: {@code Mlp.forward(Tensor, int)}
     */
    record Declared(String methodName, List<ForwardParameter> parameters, TypeName returnType, CompileMode compile,
            String signature) implements ForwardModel {
        /** Copies the parameter list. */
        public Declared {
            parameters = List.copyOf(parameters);
        }
    }

    /** The class declares none and its nearest annotated superclass's structure dispatches. */
    record Inherited() implements ForwardModel {}

    /** Neither the class nor a superclass declares one. */
    record None() implements ForwardModel {}
}
