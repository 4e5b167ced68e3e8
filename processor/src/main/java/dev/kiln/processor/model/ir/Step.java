package dev.kiln.processor.model.ir;

import java.util.List;

/** One statement of a compiled forward, in SSA form: each step defines one new tensor value. */
public sealed interface Step {
    /** The line of the user's source it comes from. */
    long line();

    /**
     * A call of a tensor op: a {@code Tensor} method, or a static function of {@code Ops} or {@code F}.
     *
     * @param out the value it defines
     * @param opId the id of the op in the derivative table, or null for an op the table lacks (it
     *     runs on a private eager tape, and its own eager node differentiates it)
     * @param owner the qualified class of a static call, or null for a {@code Tensor} method (whose
     *     receiver is the first operand)
     * @param method the method's name
     * @param operands the arguments (receiver first for a method)
     */
    record Op(Value out, String opId, String owner, String method, List<Operand> operands, long line) implements Step {
        /** Copies the list. */
        public Op {
            operands = List.copyOf(operands);
        }
    }

    /**
     * A call of a child module's {@code @Forward} method (or {@code apply}).
     *
     * @param out the value it defines
     * @param child the Java expression of the child, read through {@code module} ({@code module.fc1})
     * @param args the tensor arguments
     */
    record Child(Value out, String child, List<Value> args, long line) implements Step {
        /** Copies the list. */
        public Child {
            args = List.copyOf(args);
        }
    }

    /**
     * A non-tensor local ({@code int n = x.size(0);}): evaluated once in the forward.
     *
     * @param type its Java type
     * @param name the user's name
     * @param source its Java expression
     */
    record Scalar(String type, String name, String source, long line) implements Step {}

    /**
     * {@code out = condition ? ifTrue : ifFalse} on a condition that does not depend on tensor values;
     * each branch's steps run only when it is taken, and the backward takes the same branch.
     *
     * @param out the value it defines
     * @param id a unique name for the saved condition ({@code c1})
     * @param condition the Java expression of the condition
     */
    record Select(Value out, String id, String condition, List<Step> thenSteps, Value thenValue,
            List<Step> elseSteps, Value elseValue, long line) implements Step {
        /** Copies the lists. */
        public Select {
            thenSteps = List.copyOf(thenSteps);
            elseSteps = List.copyOf(elseSteps);
        }
    }
}
