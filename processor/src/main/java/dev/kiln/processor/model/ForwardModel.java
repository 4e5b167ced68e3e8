package dev.kiln.processor.model;

import com.palantir.javapoet.TypeName;
import dev.kiln.annotations.CompileMode;
import dev.kiln.processor.model.ir.ForwardIr;
import java.util.List;
import java.util.Optional;

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
     * @param ir the IR of the body when the processor compiled it
     */
    record Declared(String methodName, List<ForwardParameter> parameters, TypeName returnType, CompileMode compile,
            String signature, Optional<ForwardIr> ir) implements ForwardModel {
        /** Copies the parameter list. */
        public Declared {
            parameters = List.copyOf(parameters);
        }

        /** A method whose body has not been read (or runs eagerly). */
        public Declared(String methodName, List<ForwardParameter> parameters, TypeName returnType, CompileMode compile,
                String signature) {
            this(methodName, parameters, returnType, compile, signature, Optional.empty());
        }

        /** This method with the IR of its compiled body. */
        public Declared withIr(ForwardIr compiled) {
            return new Declared(methodName, parameters, returnType, compile, signature, Optional.of(compiled));
        }
    }

    /** The class declares none and its nearest annotated superclass's structure dispatches. */
    record Inherited() implements ForwardModel {}

    /** Neither the class nor a superclass declares one. */
    record None() implements ForwardModel {}
}
