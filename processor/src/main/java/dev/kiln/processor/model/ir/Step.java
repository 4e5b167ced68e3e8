package dev.kiln.processor.model.ir;

import java.util.List;

/**
 * One statement of a compiled forward, in SSA form over tensors: each step defines at most one new value;
 * a {@code Tensor[]} is the exception, one value whose elements {@link Store} writes in place.
 */
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
     * A call of a child module's {@code @Forward} method (or {@code apply}), or {@code relu} of one.
     *
     * @param out the value it defines
     * @param child the Java expression of the child, read through {@code module} ({@code module.fc1})
     * @param args the tensor arguments
     * @param relu whether {@code out} is {@code relu} of the child's output, which nothing else reads: the
     *     two run as one call, fused where the child can ({@code Compiled.childRelu})
     * @param then with {@code relu}, the Java expression of a second child whose forward takes that ReLU's
     *     output, which nothing else reads either, and whose output {@code out} then is: the three run as
     *     one call ({@code Compiled.childReluThen}); null otherwise
     */
    record Child(Value out, String child, List<Value> args, boolean relu, String then, long line) implements Step {
        /** Copies the list. */
        public Child {
            args = List.copyOf(args);
        }

        /** A plain call of the child. */
        public Child(Value out, String child, List<Value> args, long line) {
            this(out, child, args, false, null, line);
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
     * An {@code if} statement or a {@code ?:} on a condition that does not depend on tensor values:
     * each branch's steps run only when it is taken, and the backward takes the same branch. Each
     * tensor variable that a branch changes gets a new value after it ({@code merges}).
     *
     * @param id a unique name for the saved condition ({@code c1})
     * @param condition the Java expression of the condition
     * @param merges the values defined after the branches
     */
    record Select(String id, String condition, List<Step> thenSteps, List<Step> elseSteps, List<Merge> merges,
            long line) implements Step {
        /** Copies the lists. */
        public Select {
            thenSteps = List.copyOf(thenSteps);
            elseSteps = List.copyOf(elseSteps);
            merges = List.copyOf(merges);
        }
    }

    /**
     * A value defined after a {@link Select}: {@code out} is {@code thenValue} when the condition held,
     * {@code elseValue} otherwise.
     */
    record Merge(Value out, Value thenValue, Value elseValue) {}

    /**
     * {@code if (condition) throw exception;} on a condition that does not read tensor values (a shape
     * check): the forward throws as the body would; the backward has nothing to do.
     *
     * @param condition the Java expression of the condition
     * @param exception the Java expression of the exception thrown
     */
    record Guard(String condition, String exception, long line) implements Step {}

    /**
     * A call of a void method of the module or of a helper of its package, for its checks
     * ({@code checkInput(x);}): the forward calls it as the body would; the backward has nothing to do.
     *
     * @param source the Java expression of the call, with the module's members read through {@code module}
     */
    record Check(String source, long line) implements Step {}

    /**
     * A {@code for} loop whose trip count does not depend on tensor values (over a {@code @Layer}
     * list or array, or an indexed loop with a hyperparameter bound): unrolled at run time, each
     * iteration keeps its own frame and the backward replays the iterations in reverse.
     *
     * @param id a unique name ({@code loop1}), also the name of the iteration class ({@code Loop1})
     * @param header the Java source between the parentheses of the {@code for}
     * @param carried the tensor variables the body reassigns
     * @param body the body's steps, which read each carried variable through its {@code phi}
     */
    record Loop(String id, String header, List<Carried> carried, List<Step> body, long line) implements Step {
        /** Copies the lists. */
        public Loop {
            carried = List.copyOf(carried);
            body = List.copyOf(body);
        }
    }

    /**
     * A tensor variable reassigned in a loop: {@code init} before the loop, {@code phi} at the start
     * of each iteration (and after the loop), {@code next} at the end of the body.
     */
    record Carried(Value init, Value phi, Value next) {}

    /**
     * {@code Tensor[] a = new Tensor[length];} or {@code Tensor[] a = {e0, e1, ...};}: an array of tensors
     * (per-step outputs, a layer's parameters), declared once and never reassigned as a whole.
     *
     * @param array the array ({@link Value.Kind#ARRAY})
     * @param length the Java expression of its length, a hyperparameter; null when {@code elements} are given
     * @param elements the initial elements (a value may be {@link Value#NULL}); empty with a {@code length}
     */
    record NewArray(Value array, String length, List<Value> elements, long line) implements Step {
        /** Copies the list. */
        public NewArray {
            elements = List.copyOf(elements);
        }
    }

    /**
     * {@code array[index] = value;}: the backward hands the gradient of that element, as it is then, to
     * {@code value} and clears it (what was there before is overwritten).
     *
     * @param index the Java expression of the index, a hyperparameter
     */
    record Store(Value array, String index, Value value, long line) implements Step {}

    /**
     * {@code Tensor out = array[index]}: the backward adds the gradient of {@code out} into that element's.
     *
     * @param index the Java expression of the index, a hyperparameter
     */
    record Load(Value out, Value array, String index, long line) implements Step {}
}
