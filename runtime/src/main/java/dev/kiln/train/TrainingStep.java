package dev.kiln.train;

import dev.kiln.autograd.AnomalyMode;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.compiled.Compiled;
import dev.kiln.compiled.CompiledModule;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.GradSink;
import dev.kiln.nn.Module;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.StorageArena;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One training step, forward, loss, backward and optimizer update, run the fastest way the model
 * allows: through its generated forward and backward when its {@code @Forward} body compiled, on the
 * eager tape otherwise. The {@link Trainer} runs every batch through one.
 *
 * <p>The compiled step calls the generated code directly, with no node on the tape: the model's
 * {@code Foo_Compiled.forward} keeps what its backward reads in a frame, the loss runs on a tape of its
 * own (a few small ops), and the frame's generated backward hands each parameter's gradient to the
 * optimizer. The eager step is {@code zeroGrad(); loss(model.apply(x), y).backward(); step()}. It runs
 * when compiled forwards are switched off ({@link Compiled#setEnabled}), under anomaly mode (which must
 * name the op that produced a NaN), and for a model whose body did not compile.
 *
 * <p>Either way, the step computes the gradients of the model's parameters, every one that requires a
 * gradient (the optimizer's and any others, each holding this step's gradient alone afterwards), and
 * none for its input; and every tensor the step allocates comes from a {@link StorageArena} that
 * recycles the previous step's storages, so once warm a step allocates no tensor memory (a new Java
 * array is zeroed by the JVM on the calling thread: for the seed CNN that was 50 MB and about a tenth
 * of an eager step). The price is PyTorch's CUDA-graph rule: {@link #output()}, the loss and the
 * parameters' {@code grad} are valid until the next {@link #forward}; {@link Tensor#copy()} them to
 * keep them longer. The same holds for a tensor that a module keeps in a field during its forward (a recurrent
 * state carried between batches, a statistic for logging): it must be a {@code copy()}, whose memory
 * no arena recycles, or be written in place ({@code copyFrom}) into a tensor the module allocated
 * outside the step, as BatchNorm's running statistics are. A tensor read after its storage was
 * recycled fails with an error that says so, rather than returning another step's numbers.
 *
 * <pre>{@code
 * TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam);
 * for (Batch batch : loader) {
 *     double loss = step.forward(batch.input(), batch.target());
 *     step.backwardAndUpdate();
 * }
 * }</pre>
 */
public final class TrainingStep {
    private static final boolean[] INPUT_NEEDS_NO_GRAD = {false};

    private final Module model;
    private final LossFunction loss;
    private final Optimizer optimizer;
    private final boolean takesOneTensor;
    private final List<Tensor> parameters;
    private final boolean[] requiresGrad;
    private final List<Tensor> trainable = new ArrayList<>();
    private GradSink sink;
    private final StorageArena arena = new StorageArena();

    private Frame frame;
    private Tensor output;
    private Tensor outputLeaf;
    private Tensor lossValue;
    private boolean compiledPass;
    private boolean pending;

    private TrainingStep(Module model, LossFunction loss, Optimizer optimizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        takesOneTensor = model.forwardSignature().endsWith("(Tensor)");
        parameters = model.parameters();
        requiresGrad = new boolean[parameters.size()];
        collectTrainable();
    }

    /**
     * The parameters that require a gradient now, and a sink for them. The generated backward computes a
     * parameter's gradient when the sink wants it, and its forward saves what that needs when the parameter
     * requires one; the two must agree, so a parameter frozen or unfrozen between steps rebuilds the sink.
     */
    private void collectTrainable() {
        trainable.clear();
        for (int i = 0; i < parameters.size(); i++) {
            requiresGrad[i] = parameters.get(i).requiresGrad();
            if (requiresGrad[i]) {
                trainable.add(parameters.get(i));
            }
        }
        sink = new GradSink(trainable, true); // one backward per forward: frames free as they go
    }

    private boolean trainableChanged() {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).requiresGrad() != requiresGrad[i]) {
                return true;
            }
        }
        return false;
    }

    /** A step that trains {@code model}'s parameters with {@code optimizer} to lower {@code loss}. */
    public static TrainingStep of(Module model, LossFunction loss, Optimizer optimizer) {
        return new TrainingStep(model, loss, optimizer);
    }

    /**
     * Whether the next step will run the model's generated forward and backward: a compiled body that
     * takes the batch's one input tensor (a model with other inputs gets the eager step, and so the
     * eager path's error naming its signature).
     */
    public boolean isCompiled() {
        return Compiled.isEnabled() && !AnomalyMode.isEnabled() && GradMode.isEnabled()
                && model.compiledForward() != null && takesOneTensor;
    }

    /**
     * The first half of a step: clears the parameters' gradients, runs the model on {@code input} and
     * the loss against {@code target}, and returns the loss. Nothing is updated yet, so a caller that
     * finds the loss unusable (NaN) can stop with the parameters as they were.
     */
    public double forward(Tensor input, Tensor target) {
        compiledPass = isCompiled();
        optimizer.zeroGrad();
        // Every parameter's, not only the optimizer's: an eager backward adds to the gradient a parameter
        // holds, whose storage the last step's arena is about to hand out again.
        for (Tensor p : parameters) {
            p.setGrad(null);
        }
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            if (compiledPass) {
                forwardCompiled(input, target);
            } else {
                frame = null;
                // As in the compiled step, the input gets no gradient: a step trains parameters.
                output = model.apply(input.requiresGrad() ? input.detach() : input);
                lossValue = loss.apply(output, target);
            }
        }
        pending = true;
        return lossValue.item();
    }

    /** The second half of a step: the gradients of the last {@link #forward}'s loss, then the optimizer's update. */
    public void backwardAndUpdate() {
        if (!pending) {
            throw new IllegalStateException("TrainingStep: backwardAndUpdate() needs a forward(input, target) "
                    + "first, and runs once per forward");
        }
        pending = false;
        try (StorageArena.Scope ignored = arena.activate()) {
            if (compiledPass) {
                backwardCompiled();
            } else {
                lossValue.backward();
            }
        }
        optimizer.step();
    }

    /** The model's output in the last {@link #forward}, valid until the next one. */
    public Tensor output() {
        if (output == null) {
            throw new IllegalStateException("TrainingStep: no forward has run yet");
        }
        return output;
    }

    /** The storages this step recycles: tests and diagnostics read its counters. */
    public StorageArena arena() {
        return arena;
    }

    @SuppressWarnings("unchecked")
    private void forwardCompiled(Tensor input, Tensor target) {
        if (trainableChanged()) {
            collectTrainable();
        }
        CompiledModule<Module> compiled = (CompiledModule<Module>) model.compiledForward();
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            frame = compiled.forward(model, new Tensor[] {input}, INPUT_NEEDS_NO_GRAD);
        }
        output = frame.output();
        // The loss runs on a tape of its own, from the output as a leaf, to give the output's gradient.
        outputLeaf = output.detach().requiresGrad(true);
        lossValue = loss.apply(outputLeaf, target);
    }

    private void backwardCompiled() {
        Tensor gradOutput = Autograd.grad(lossValue, new Tensor[] {outputLeaf}, null, false)[0];
        sink.clear();
        // Without recording: the eager frames inside (conv, pooling, ...) would otherwise build a graph
        // behind each gradient, which would keep their saved values alive until the next zeroGrad.
        if (frame.outputNeedsGrad()) {
            try (GradMode.Scope noGrad = GradMode.noGrad()) {
                frame.backward(gradOutput, sink);
            }
        }
        Tensor[] grads = sink.grads();
        for (int i = 0; i < grads.length; i++) {
            trainable.get(i).setGrad(grads[i]);
        }
        frame = null;
    }
}
