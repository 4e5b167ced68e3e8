package dev.kiln.autograd;

import dev.kiln.tensor.Tensor;
import java.util.function.Function;

/**
 * A compiled module call on the tape: one node whose backward is generated code (given as a
 * function from the output's gradient to the inputs' gradients). What that code reads is dropped
 * when the engine releases the node's saved tensors, so {@code retainGraph} works as for any node.
 */
public final class CompiledNode extends Node {
    private Function<Tensor, Tensor[]> body;

    /** A node for the compiled call {@code name} on {@code inputs}, differentiated by {@code body}. */
    public CompiledNode(String name, Function<Tensor, Tensor[]> body, Tensor... inputs) {
        super(name, inputs);
        this.body = body;
    }

    /** Whether input {@code i} needs a gradient (public for the generated code's callers). */
    public boolean inputNeedsGrad(int i) {
        return needsGrad(i);
    }

    @Override
    protected Tensor[] backward(Tensor gradOutput) {
        if (body == null) {
            throw new IllegalStateException(name() + ": backward through this compiled call ran already and freed "
                    + "what it saved; pass retainGraph = true to the first backward to run it again");
        }
        return body.apply(gradOutput);
    }

    @Override
    void releaseSaved() {
        super.releaseSaved();
        body = null;
    }
}
