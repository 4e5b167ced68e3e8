package dev.kiln.autograd;

import dev.kiln.tensor.Tensor;

/**
 * A compiled module call on the tape: one node whose backward is generated code (given as a
 * function from the output's gradient to the inputs' gradients). What that code reads is dropped
 * when the engine releases the node's saved tensors, so {@code retainGraph} works as for any node;
 * in a backward that will release it, the code drops each saved value after its last use already.
 * It is first-order: a {@code createGraph} backward through it is refused rather than answered without
 * the terms that pass through its saved values.
 */
public final class CompiledNode extends Node {
    private Body body;

    /** The generated backward: the inputs' gradients from the output's. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param lastBackward no backward will run through this call again, so it may free what it
         *     saved as it goes
         */
        Tensor[] apply(Tensor gradOutput, boolean lastBackward);
    }

    /** A node for the compiled call {@code name} on {@code inputs}, differentiated by {@code body}. */
    public CompiledNode(String name, Body body, Tensor... inputs) {
        super(name, inputs);
        this.body = body;
    }

    /** Whether input {@code i} needs a gradient (public for the generated code's callers). */
    public boolean inputNeedsGrad(int i) {
        return needsGrad(i);
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        return backward(gradOutput, false);
    }

    @Override
    Tensor[] backward(Tensor gradOutput, boolean lastBackward) {
        if (GradMode.isEnabled()) {
            // The engine records a backward only for createGraph. The generated backward reads saved values
            // that carry no graph, so its result would miss every second-derivative term through them.
            throw new UnsupportedOperationException(name() + ": a backward with createGraph (second derivatives, "
                    + "a gradient penalty) cannot go through a compiled forward, whose backward is first-order; "
                    + "run its forward eagerly: inside try (Compiled.Scope s = Compiled.eagerScope()) { ... }, with "
                    + "@Forward(compile = CompileMode.EAGER) on its class, or with Compiled.setEnabled(false) "
                    + "(-Dkiln.compiled=false) for the whole JVM");
        }
        if (body == null) {
            throw new IllegalStateException(name() + ": backward through this compiled call ran already and freed "
                    + "what it saved; pass retainGraph = true to the first backward to run it again");
        }
        Body run = body;
        if (lastBackward) {
            body = null; // it frees as it goes: even a backward that fails midway cannot run again
        }
        return run.apply(gradOutput, lastBackward);
    }

    @Override
    void releaseSaved() {
        super.releaseSaved();
        body = null;
    }
}
