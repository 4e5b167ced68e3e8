package dev.kiln.compiled;

import dev.kiln.tensor.Tensor;

/**
 * One call of a compiled (or eagerly recorded) module or op: its output and what its backward
 * reads. A generated frame is a class with one field per saved value, named after the user's
 * variables; a backward that is the last through it frees each field once the step that reads it last
 * has run.
 */
public abstract class Frame {
    /** The call's output. */
    protected Tensor output;
    /** Whether the output depends on an input or parameter that needs a gradient. */
    protected boolean outputNeedsGrad;
    /** The outputs of a call that returns a record of tensors (an LSTM cell's {@code State}); null otherwise. */
    protected Tensor[] outputs;
    /** Whether each of {@link #outputs} depends on something that needs a gradient. */
    protected boolean[] outputsNeedGrad;

    /** The call's output. */
    public final Tensor output() {
        return output;
    }

    /** Whether the output depends on an input or parameter that needs a gradient. */
    public final boolean outputNeedsGrad() {
        return outputNeedsGrad;
    }

    /** The call's outputs: the components of the record it returns, or its one output. */
    public final Tensor[] outputs() {
        return outputs != null ? outputs : new Tensor[] {output};
    }

    /** Whether each of {@link #outputs()} depends on an input or parameter that needs a gradient. */
    public final boolean[] outputsNeedGrad() {
        return outputsNeedGrad != null ? outputsNeedGrad : new boolean[] {outputNeedsGrad};
    }

    /**
     * The gradients of the call's tensor inputs from those of its {@link #outputs()} (null where an output
     * gets none); a frame with one output runs {@link #backward(Tensor, GradSink)}.
     */
    public Tensor[] backward(Tensor[] gradOutputs, GradSink sink) {
        return backward(gradOutputs[0], sink);
    }

    /**
     * The gradients of the call's tensor inputs, in order (null where an input needs none or gets
     * no gradient), from the gradient of the output; parameter gradients are added into {@code sink}.
     * It may run more than once (a backward with {@code retainGraph}); the frame is dropped as a
     * whole when the tape releases the node.
     */
    public abstract Tensor[] backward(Tensor gradOutput, GradSink sink);

    /** {@code sum + g}, where a null {@code sum} is zero: how generated backwards add partial gradients. */
    public static Tensor accumulate(Tensor sum, Tensor g) {
        return g == null ? sum : sum == null ? g : sum.add(g);
    }

    /**
     * Adds each of {@code g} into the same element of {@code sums} (a null is zero): how generated backwards
     * add the gradients an op that read a whole {@code Tensor[]} returns into that array's gradients.
     */
    public static void accumulateAll(Tensor[] sums, Tensor[] g) {
        for (int i = 0; i < g.length; i++) {
            sums[i] = accumulate(sums[i], g[i]);
        }
    }

    /** Whether parameter (or any module tensor) {@code t} needs a gradient: non-null and requiring one. */
    public static boolean needsGrad(Tensor t) {
        return t != null && t.requiresGrad();
    }
}
