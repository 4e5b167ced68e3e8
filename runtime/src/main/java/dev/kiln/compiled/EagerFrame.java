package dev.kiln.compiled;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A call that a compiled forward cannot differentiate itself (a child module whose body runs
 * eagerly, an op outside the derivative table such as conv2d) recorded on a private eager tape:
 * its inputs become fresh leaves and its backward is {@link Autograd#grad} over that tape, so the
 * derivative is still the op's own eager one.
 */
public final class EagerFrame extends Frame {
    private final Tensor[] leaves;
    private final List<Tensor> params;

    private EagerFrame(Tensor[] leaves, List<Tensor> params, Tensor output) {
        this.leaves = leaves;
        this.params = params;
        this.output = output;
        this.outputNeedsGrad = output.requiresGrad();
    }

    /** Runs {@code child} on {@code inputs} on a private tape. */
    static EagerFrame of(Module child, Tensor[] inputs, boolean[] needsGrad) {
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : child.parameters()) {
            if (p.requiresGrad()) {
                params.add(p);
            }
        }
        return record(child.getClass().getSimpleName(), inputs, needsGrad, params, leaves -> child.apply(leaves));
    }

    /**
     * Runs {@code op} on leaves made from {@code inputs} (null entries stay null) with recording on;
     * {@code params} are the module tensors it reads directly and that need gradients.
     */
    public static EagerFrame run(Tensor[] inputs, boolean[] needsGrad, List<Tensor> params,
            Function<Tensor[], Tensor> op) {
        return record("an op outside the derivative table", inputs, needsGrad, params, op);
    }

    /**
     * {@link #run}, then a check that the private tape is closed. Its gradients are taken with respect to
     * the leaves and {@code params} alone, and its backward frees it, so a tensor read from elsewhere
     * that needs a gradient (a field holding a tensor computed before the call, another module's
     * parameter) would get none, or have its graph freed under the caller's backward: both are refused.
     */
    private static EagerFrame record(String what, Tensor[] inputs, boolean[] needsGrad, List<Tensor> params,
            Function<Tensor[], Tensor> op) {
        Tensor[] leaves = new Tensor[inputs.length];
        List<Tensor> own = new ArrayList<>(params);
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = inputs[i] == null ? null : inputs[i].detach().requiresGrad(needsGrad[i]);
            if (leaves[i] != null) {
                own.add(leaves[i]);
            }
        }
        long mark = Autograd.mark();
        Tensor out;
        try (GradMode.Scope ignored = GradMode.enableGrad()) {
            out = op.apply(leaves);
        }
        Autograd.Reach reach = Autograd.reach(out, mark, own);
        if (reach.foreignLeaf() != null || reach.earlierOps()) {
            String read = reach.foreignLeaf() != null
                    ? "a tensor of shape " + Shapes.str(reach.foreignLeaf().shape()) + " that needs a gradient but is "
                            + "neither an input of the call nor a parameter of the module"
                    : "a tensor computed before the call whose graph needs a gradient (a field set from outside?)";
            throw new IllegalStateException("compiled forward: " + what + " reads " + read + ", and the compiled "
                    + "backward could not send its gradient back; pass it to forward as an argument, or run the "
                    + "calling module eagerly (@Forward(compile = CompileMode.EAGER))");
        }
        return new EagerFrame(leaves, params, out);
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, GradSink sink) {
        Tensor[] grads = new Tensor[leaves.length];
        if (!output.requiresGrad()) {
            return grads;
        }
        List<Tensor> targets = new ArrayList<>();
        for (Tensor leaf : leaves) {
            if (leaf != null && leaf.requiresGrad()) {
                targets.add(leaf);
            }
        }
        for (Tensor p : params) {
            if (sink.wants(p)) {
                targets.add(p);
            }
        }
        if (targets.isEmpty()) {
            return grads;
        }
        // Retained unless this is the last backward: a backward with retainGraph may run the frame again.
        Tensor[] result = Autograd.grad(output, targets.toArray(new Tensor[0]), gradOutput,
                !sink.freesSavedValues(), GradMode.isEnabled());
        int next = 0;
        for (int i = 0; i < leaves.length; i++) {
            if (leaves[i] != null && leaves[i].requiresGrad()) {
                grads[i] = result[next++];
            }
        }
        for (Tensor p : params) {
            if (sink.wants(p)) {
                sink.add(p, result[next++]);
            }
        }
        return grads;
    }
}
