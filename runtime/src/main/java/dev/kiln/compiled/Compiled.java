package dev.kiln.compiled;

import dev.kiln.autograd.AnomalyMode;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.CompiledNode;
import dev.kiln.autograd.GradMode;
import dev.kiln.nn.Module;
import dev.kiln.nn.ModuleSummary;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry points generated code calls: {@link #call} puts a compiled module call on the tape as
 * one node, and {@link #child} runs a child module inside a compiled forward, compiled when its class
 * compiled and on a private eager tape ({@link EagerFrame}) otherwise.
 */
public final class Compiled {
    /** Off with {@code -Dkiln.compiled=false}: every module then runs its body on the eager tape. */
    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("kiln.compiled"));
    /** How many {@link #eagerScope}s are open on this thread. */
    private static final ThreadLocal<int[]> EAGER_SCOPES = ThreadLocal.withInitial(() -> new int[1]);
    /** How many {@link #compiledScope}s are open on this thread. */
    private static final ThreadLocal<int[]> COMPILED_SCOPES = ThreadLocal.withInitial(() -> new int[1]);

    private Compiled() {}

    /**
     * Switches compiled forwards on or off for the whole JVM; off, {@code apply} runs each module's
     * {@code @Forward} body on the eager tape (the reference the compiled code is tested against, and
     * the baseline of {@code bench --eager}).
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Whether {@code apply} runs compiled forwards on this thread (true unless switched off). */
    public static boolean isEnabled() {
        return enabled && EAGER_SCOPES.get()[0] == 0;
    }

    /** An open {@link #eagerScope}; closing it ends it. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs every module eagerly on this thread until the scope is closed, as for a forward whose graph a
     * {@code createGraph} backward will differentiate (a gradient penalty), which compiled forwards,
     * being first-order, refuse: {@code try (Compiled.Scope eager = Compiled.eagerScope()) { ... }}.
     */
    public static Scope eagerScope() {
        return open(EAGER_SCOPES.get());
    }

    /**
     * Runs every module whose body compiled through its compiled forward on this thread until the scope
     * is closed, even where nothing needs a gradient and nothing is recorded: {@code summary()} uses it
     * to see, in one pass, the children that a compiled body calls through their typed {@code forward}
     * methods (which the body as written calls past Kiln). An {@link #eagerScope} still wins.
     */
    public static Scope compiledScope() {
        return open(COMPILED_SCOPES.get());
    }

    private static Scope open(int[] depth) {
        depth[0]++;
        boolean[] open = {true};
        return () -> {
            if (open[0]) {
                open[0] = false;
                depth[0]--;
            }
        };
    }

    /**
     * A compiled forward's frame and the parameters that need gradients, which its node takes as inputs too;
     * {@code recorded} is false for a {@link #compiledScope}'s run where nothing needs a gradient.
     */
    private record Run(Frame frame, List<Tensor> params, boolean recorded) {
        /** The node's inputs: the call's tensors, then the parameters. */
        Tensor[] nodeInputs(Tensor[] inputs) {
            Tensor[] all = Arrays.copyOf(inputs, inputs.length + params.size());
            for (int i = 0; i < params.size(); i++) {
                all[inputs.length + i] = params.get(i);
            }
            return all;
        }
    }

    /**
     * The compiled forward of {@code module} on {@code inputs}, run without recording, or null when no node
     * is wanted: compiled forwards off, recording off, anomaly mode, or nothing that needs a gradient.
     */
    private static <M extends Module> Run forward(M module, CompiledModule<M> compiled, Tensor[] inputs) {
        // A compiledScope records nothing, so anomaly mode, which wants each op recorded on its own, has no
        // say there.
        boolean forced = COMPILED_SCOPES.get()[0] > 0;
        if (!isEnabled() || !forced && (!GradMode.isEnabled() || AnomalyMode.isEnabled())) {
            return null;
        }
        boolean[] needs = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i] != null && inputs[i].requiresGrad();
            any |= needs[i];
        }
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : module.parameters()) {
            if (p.requiresGrad()) {
                params.add(p);
            }
        }
        if (!any && params.isEmpty() && !forced) {
            return null;
        }
        boolean recorded = GradMode.isEnabled() && (any || !params.isEmpty());
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return new Run(compiled.forward(module, inputs, needs), params, recorded);
        }
    }

    /**
     * Runs {@code module} through its compiled forward and records one node, or returns null when
     * nothing needs a gradient (recording is off, or no input or parameter requires one): the
     * caller then runs the {@code @Forward} body itself, which records nothing either. Under
     * {@link AnomalyMode} it also returns null, so the body runs op by op and the anomaly report
     * names the op that produced a NaN rather than the whole module.
     */
    public static <M extends Module> Tensor call(M module, CompiledModule<M> compiled, Tensor... inputs) {
        Run run = forward(module, compiled, inputs);
        if (run == null) {
            return null;
        }
        Frame frame = run.frame();
        if (!run.recorded()) {
            return frame.output(); // a compiledScope's forward, with nothing to record
        }
        List<Tensor> params = run.params();
        Tensor out = fresh(frame.output(), inputs, params);
        Tensor[] all = run.nodeInputs(inputs);
        int count = inputs.length;
        return Autograd.record(out, new CompiledNode(module.getClass().getSimpleName(),
                (g, last) -> backward(frame, new Tensor[] {g}, count, params, last), all));
    }

    /**
     * Like {@link #call}, for a module whose {@code @Forward} returns a record of tensors (an LSTM cell's
     * {@code State}): returns the record's components, or null when nothing needs a gradient. The call is
     * still one node: its output is the components flattened into one tensor, and each component is a view
     * of it, so the engine hands the node the gradients of all of them at once and the frame's backward
     * runs once. Components that cannot share one flat tensor (another floating dtype) get a node of their
     * own, whose backward is the frame's for their gradients alone; integer and null components are
     * returned as they are.
     */
    public static <M extends Module> Tensor[] callAll(M module, CompiledModule<M> compiled, Tensor... inputs) {
        Run run = forward(module, compiled, inputs);
        if (run == null) {
            return null;
        }
        Frame frame = run.frame();
        if (!run.recorded()) {
            return frame.outputs().clone(); // a compiledScope's forward, with nothing to record
        }
        List<Tensor> params = run.params();
        Tensor[] outs = frame.outputs();
        Tensor[] result = outs.clone();
        // The floating components, grouped by dtype in order of appearance: one flat tensor and node per group.
        Map<DType, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] != null && outs[i].dtype().isFloating()) {
                groups.computeIfAbsent(outs[i].dtype(), d -> new ArrayList<>()).add(i);
            }
        }
        Tensor[] all = run.nodeInputs(inputs);
        int count = inputs.length;
        // Nodes that share the frame each run its backward: none may free what the others still read.
        boolean shared = groups.size() > 1;
        for (List<Integer> group : groups.values()) {
            int[][] shapes = new int[group.size()][];
            Tensor flat;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                List<Tensor> parts = new ArrayList<>();
                for (int j = 0; j < group.size(); j++) {
                    Tensor out = outs[group.get(j)];
                    shapes[j] = out.shape();
                    parts.add(out.reshape(out.numel()));
                }
                flat = Ops.concat(parts, 0);
            }
            Autograd.record(flat, new CompiledNode(module.getClass().getSimpleName(), (g, last) -> {
                Tensor[] grads = new Tensor[outs.length];
                Tensor[] pieces = split(g, shapes);
                for (int j = 0; j < group.size(); j++) {
                    grads[group.get(j)] = pieces[j];
                }
                return backward(frame, grads, count, params, last && !shared);
            }, all));
            Tensor[] views = split(flat, shapes);
            for (int j = 0; j < group.size(); j++) {
                result[group.get(j)] = views[j];
            }
        }
        return result;
    }

    /** The pieces of a flat tensor, in order, each reshaped to its shape (views, recorded when grad mode is on). */
    private static Tensor[] split(Tensor flat, int[][] shapes) {
        Tensor[] parts = new Tensor[shapes.length];
        int offset = 0;
        for (int i = 0; i < shapes.length; i++) {
            int n = Shapes.numel(shapes[i]);
            parts[i] = flat.slice(0, offset, offset + n).reshape(shapes[i]);
            offset += n;
        }
        return parts;
    }

    /**
     * The node's backward for the gradients of each of the frame's outputs: the frame's input gradients,
     * then each parameter's from the sink.
     */
    private static Tensor[] backward(Frame frame, Tensor[] gradOutputs, int inputCount, List<Tensor> params,
            boolean lastBackward) {
        GradSink sink = new GradSink(params, lastBackward);
        Tensor[] inputGrads = frame.backward(gradOutputs, sink);
        Tensor[] all = new Tensor[inputCount + params.size()];
        System.arraycopy(inputGrads, 0, all, 0, inputCount);
        Tensor[] paramGrads = sink.grads();
        System.arraycopy(paramGrads, 0, all, inputCount, paramGrads.length);
        return all;
    }

    /** The frame of {@code child} applied to {@code inputs}, run without recording. */
    public static Frame child(Module child, Tensor[] inputs, boolean[] needsGrad) {
        if (child == null) {
            throw new NullPointerException("compiled forward: a @Layer field called in @Forward is null");
        }
        CompiledModule<Module> compiled = child.compiledForward();
        if (compiled != null) {
            Frame frame = compiled.forward(child, inputs, needsGrad);
            ModuleSummary.observe(child, frame.output()); // an eager child reports through its apply()
            return frame;
        }
        return EagerFrame.of(child, inputs, needsGrad);
    }

    /**
     * {@code relu(child.forward(inputs))}, where the compiled forward reads the child's output nowhere else:
     * one fused op when the child can run it ({@link ReluFusable}: a {@code Linear} or {@code Conv2d}),
     * otherwise the child's frame followed by ReLU. Either way the values and gradients are those of the
     * two calls in sequence.
     */
    public static Frame childRelu(Module child, Tensor[] inputs, boolean[] needsGrad) {
        if (child instanceof ReluFusable fusable) {
            Frame fused = fusable.fusedRelu(inputs, needsGrad);
            if (fused != null) {
                ModuleSummary.observe(child, fused.output());
                return fused;
            }
        }
        return new ReluAfterFrame(child(child, inputs, needsGrad));
    }

    /**
     * {@code next.forward(relu(child.forward(inputs)))}, where the compiled forward reads the two inner
     * results nowhere else: one fused op when the child can run it with {@code next}
     * ({@link ReluFusable#fusedReluThen}: a {@code Conv2d} followed by a {@code MaxPool2d}), otherwise
     * {@link #childRelu} and then {@code next}'s frame. Either way the values and gradients are those of the
     * calls in sequence. A running {@code summary()} gets the calls one by one, to see each output.
     */
    public static Frame childReluThen(Module child, Module next, Tensor[] inputs, boolean[] needsGrad) {
        if (child instanceof ReluFusable fusable && !ModuleSummary.running()) {
            Frame fused = fusable.fusedReluThen(next, inputs, needsGrad);
            if (fused != null) {
                return fused;
            }
        }
        Frame first = childRelu(child, inputs, needsGrad);
        Frame second = child(next, new Tensor[] {first.output()}, new boolean[] {first.outputNeedsGrad()});
        return new ThenFrame(first, second);
    }

    /** A tensor of its own for the node's output, when the forward returned an input or a parameter as is. */
    private static Tensor fresh(Tensor out, Tensor[] inputs, List<Tensor> params) {
        boolean shared = params.contains(out) || out.gradFn() != null || out.requiresGrad();
        for (Tensor in : inputs) {
            shared |= in == out;
        }
        if (!shared) {
            return out;
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return out.view(out.shape());
        }
    }
}
