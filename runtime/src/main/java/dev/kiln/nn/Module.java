package dev.kiln.nn;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Device;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The base class of every Kiln model and layer: a plain Java class whose {@code @Layer} fields hold
 * child modules, {@code @Param} fields trainable tensors, {@code @Buffer} fields saved state, and
 * whose one {@code @Forward} method computes the output.
 *
 * <pre>{@code
 * public class Mlp extends Module {
 *     @Layer Linear fc1, fc2;
 *     public Mlp(int in, int hidden, int out) { fc1 = new Linear(in, hidden); fc2 = new Linear(hidden, out); }
 *     @Forward public Tensor forward(Tensor x) { return fc2.forward(relu(fc1.forward(x))); }
 * }
 * }</pre>
 *
 * <p>The annotation processor writes {@code Mlp_Module} beside {@code Mlp}; this class finds it once
 * by name (see {@link ModuleStructures}) and builds PyTorch's {@code nn.Module} surface on it, with no
 * reflection:
 * <ul>
 *   <li>names are PyTorch's dotted keys ({@code fc1.weight}, {@code blocks.0.fc.bias}); a module's own
 *       parameters come first in field order (superclass fields first), then its buffers, then each
 *       child's, exactly as {@code named_parameters()} and {@code state_dict()} order them;</li>
 *   <li>{@link #namedParameters()}, {@link #namedBuffers()}, {@link #namedChildren()} and
 *       {@link #namedModules()} list a module or tensor reachable twice (sharing) once, under its first
 *       name; {@link #stateDict()} keeps every path;</li>
 *   <li>a {@code @Layer} list, array or map is a container, not a module: its elements are children
 *       named {@code blocks.0}, {@code blocks.1} (PyTorch would also list the {@code ModuleList}
 *       itself as {@code blocks}).</li>
 * </ul>
 * A module is not thread-safe while it is being changed ({@link #to}, {@link #loadStateDict},
 * {@link #train}); reading its structure from several threads is safe.
 */
public abstract class Module {
    private boolean training = true;
    private ModuleStructure<Module> structure;

    /** A module in training mode. */
    protected Module() {}

    // ---------------------------------------------------------------- structure

    /** The structure of this module's class (generated, or reflective when the processor did not run). */
    final ModuleStructure<Module> structure() {
        ModuleStructure<Module> s = structure;
        if (s == null) {
            s = ModuleStructures.of(getClass());
            structure = s;
        }
        return s;
    }

    /** Trainable tensors by dotted name, each once, in PyTorch's order; unmodifiable. */
    public final Map<String, Tensor> namedParameters() {
        return namedTensors(true);
    }

    /** The values of {@link #namedParameters()}. */
    public final List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Buffers (persistent or not) by dotted name, each once, in PyTorch's order; unmodifiable. */
    public final Map<String, Tensor> namedBuffers() {
        return namedTensors(false);
    }

    /** The values of {@link #namedBuffers()}. */
    public final List<Tensor> buffers() {
        return List.copyOf(namedBuffers().values());
    }

    /** Direct child modules by name ({@code fc1}, {@code blocks.0}), each once; unmodifiable. */
    public final Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> e : ModuleMembers.of(this).children.entrySet()) {
            if (seen.add(e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The values of {@link #namedChildren()}. */
    public final List<Module> children() {
        return List.copyOf(namedChildren().values());
    }

    /**
     * This module (under the empty name) and every descendant, pre-order, each once (so a shared or
     * even cyclic module graph is walked once); unmodifiable.
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, Collections.newSetFromMap(new IdentityHashMap<>()), out);
        return Collections.unmodifiableMap(out);
    }

    /** The values of {@link #namedModules()}. */
    public final List<Module> modules() {
        return List.copyOf(namedModules().values());
    }

    private static void collectModules(String prefix, Module m, Set<Module> seen, Map<String, Module> out) {
        if (!seen.add(m)) {
            return;
        }
        out.put(prefix, m);
        for (Map.Entry<String, Module> e : ModuleMembers.of(m).children.entrySet()) {
            collectModules(join(prefix, e.getKey()), e.getValue(), seen, out);
        }
    }

    private Map<String, Tensor> namedTensors(boolean parameters) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            ModuleMembers members = ModuleMembers.of(m.getValue());
            for (Map.Entry<String, Tensor> t : (parameters ? members.parameters : members.buffers).entrySet()) {
                if (seen.add(t.getValue())) {
                    out.put(join(m.getKey(), t.getKey()), t.getValue());
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---------------------------------------------------------------- modes, gradients, devices

    /**
     * Sets training mode ({@code true}) or evaluation mode on this module and every descendant, as
     * PyTorch's {@code train(mode)}; returns this. Override to keep part of a model in another mode,
     * calling {@code super.train(mode)}.
     */
    public Module train(boolean mode) {
        training = mode;
        for (Module child : children()) {
            child.train(mode);
        }
        return this;
    }

    /** {@code train(true)}. */
    public final Module train() {
        return train(true);
    }

    /** {@code train(false)}: evaluation mode (dropout off, batch norm on running statistics). */
    public final Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode; read it in {@code @Forward} to branch. */
    public final boolean isTraining() {
        return training;
    }

    final void setTrainingFlag(boolean mode) {
        training = mode;
    }

    /** Clears the gradient of every parameter (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.setGrad(null);
        }
    }

    /** The number of scalars in the parameters, each shared tensor counted once. */
    public final long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * Moves every parameter and buffer to {@code device}, assigning the moved tensors to their fields;
     * returns this. A tensor shared by several fields stays shared; a parameter keeps
     * {@code requiresGrad} and its gradient moves with it. Create optimizers after moving, since the
     * parameters are new tensors on the new device.
     */
    public final Module to(Device device) {
        return mapLeaves(t -> t.to(device));
    }

    /**
     * Converts every floating-point parameter and buffer to {@code dtype} (PyTorch's
     * {@code module.to(torch.float64)}), assigning the converted tensors to their fields; returns this.
     * Integer buffers (a batch norm's batch count) keep their dtype. As with {@link #to(Device)}, shared
     * tensors stay shared, parameters keep {@code requiresGrad} and their gradients are converted too;
     * create optimizers after converting.
     *
     * @throws IllegalArgumentException if {@code dtype} is not a floating-point type
     */
    public final Module to(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".to: a module's parameters need a "
                    + "floating-point dtype, got " + dtype);
        }
        return mapLeaves(t -> t.dtype().isFloating() ? t.to(dtype) : t);
    }

    /** {@link #to(DType) to(FLOAT64)}. */
    public final Module toDouble() {
        return to(DType.FLOAT64);
    }

    /** {@link #to(DType) to(FLOAT32)}. */
    public final Module toFloat() {
        return to(DType.FLOAT32);
    }

    /** Replaces every parameter and buffer of every module by {@code convert} of it, each distinct tensor once. */
    private Module mapLeaves(UnaryOperator<Tensor> convert) {
        Map<Tensor, Tensor> converted = new IdentityHashMap<>();
        ModuleTensorMapper mapper = new ModuleTensorMapper() {
            @Override
            public Tensor parameter(String name, Tensor value) {
                return value == null ? null : converted.computeIfAbsent(value, t -> convertLeaf(t, convert));
            }

            @Override
            public Tensor buffer(String name, Tensor value) {
                return value == null ? null : converted.computeIfAbsent(value, convert);
            }
        };
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Module m : modules()) {
                m.structure().mapTensors(m, mapper);
            }
        }
        return this;
    }

    /** A new leaf holding {@code convert} of a parameter, with its requiresGrad and converted gradient. */
    private static Tensor convertLeaf(Tensor t, UnaryOperator<Tensor> convert) {
        Tensor out = convert.apply(t);
        if (out == t) {
            return t;
        }
        out = out.detach();
        if (t.requiresGrad()) {
            out.requiresGrad(true);
        }
        if (t.grad() != null) {
            out.setGrad(convert.apply(t.grad()).detach());
        }
        return out;
    }

    // ---------------------------------------------------------------- state dicts

    /**
     * Every parameter and persistent buffer by dotted key, in PyTorch's order, one entry per path
     * (a shared tensor appears under each of its names). The values are detached tensors that share
     * storage with the module's. The map is a new, modifiable {@code LinkedHashMap}.
     *
     * @throws IllegalStateException if a module contains itself
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateTensors().entrySet()) {
            out.put(e.getKey(), e.getValue().detach());
        }
        return out;
    }

    /** Loads {@code state} strictly: see {@link #loadStateDict(Map, boolean)}. */
    public final StateDictResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies the values of {@code state} into this module's parameters and persistent buffers, in
     * place (the tensors keep their identity, device and dtype, so optimizers stay valid).
     *
     * <p>Strict: if any key is missing, unexpected or of another shape, throws a
     * {@link StateDictException} that lists all of them and loads nothing. Not strict: loads every key
     * that matches and returns what did not (wrong-shape keys are not loaded either).
     */
    public final StateDictResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateTensors();
        List<String> missing = new ArrayList<>();
        List<StateDictResult.ShapeMismatch> wrong = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                wrong.add(StateDictResult.ShapeMismatch.of(e.getKey(), e.getValue().shape(), src.shape()));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : state.keySet()) {
            if (!own.containsKey(key)) {
                unexpected.add(key);
            }
        }
        StateDictResult result = new StateDictResult(missing, unexpected, wrong);
        if (strict && !result.isClean()) {
            throw new StateDictException(getClass().getSimpleName(), result);
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                Tensor dst = e.getValue();
                if (src != null && Arrays.equals(src.shape(), dst.shape())) {
                    dst.copyFrom(src.to(dst.device()));
                }
            }
        }
        return result;
    }

    private Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", this, Collections.newSetFromMap(new IdentityHashMap<>()), out);
        return out;
    }

    private static void collectState(String prefix, Module m, Set<Module> ancestors, Map<String, Tensor> out) {
        if (!ancestors.add(m)) {
            throw new IllegalStateException("module cycle: " + m.getClass().getName() + " contains itself at '"
                    + prefix + "'; a module graph must be acyclic to have a state dict");
        }
        ModuleMembers members = ModuleMembers.of(m);
        members.parameters.forEach((name, t) -> out.put(prefix + name, t));
        members.buffers.forEach((name, t) -> {
            if (!members.nonPersistentBuffers.contains(name)) {
                out.put(prefix + name, t);
            }
        });
        for (Map.Entry<String, Module> e : members.children.entrySet()) {
            collectState(prefix + e.getKey() + ".", e.getValue(), ancestors, out);
        }
        ancestors.remove(m);
    }

    // ---------------------------------------------------------------- running

    /**
     * Calls this module's {@code @Forward} method with tensors, for code that runs any module (a
     * trainer, {@link #summary}, a container). Code that knows the class calls its typed method.
     *
     * @throws IllegalArgumentException if the inputs do not fit the {@code @Forward} signature
     * @throws IllegalStateException if the class has no {@code @Forward} method, or it returns a non-tensor
     */
    public final Tensor apply(Tensor... inputs) {
        Object out = call((Object[]) inputs);
        if (out instanceof Tensor t) {
            return t;
        }
        throw new IllegalStateException(structure().forwardSignature() + " returned "
                + (out == null ? "null" : "a " + out.getClass().getSimpleName()) + ", not a Tensor: use call(...)");
    }

    /**
     * The compiled forward of this module's class, or null when its {@code @Forward} body runs
     * eagerly; {@code apply}/{@code call} use it when gradients are recorded.
     */
    public final dev.kiln.compiled.CompiledModule<Module> compiledForward() {
        return structure().compiled();
    }

    /** The signature of this module's {@code @Forward} method, as errors name it: {@code Mlp.forward(Tensor)}. */
    public final String forwardSignature() {
        return structure().forwardSignature();
    }

    /**
     * Calls this module's {@code @Forward} method with any arguments: tensors and hyperparameters
     * (boxed primitives, strings), checked against its signature. Returns what it returns.
     */
    public final Object call(Object... args) {
        Object out = structure().invokeForward(this, args == null ? new Object[0] : args);
        ModuleSummary.observe(this, out);
        return out;
    }

    // ---------------------------------------------------------------- describing

    /**
     * A table of every module with its output shape (for modules run through {@link #apply} or
     * {@link #call}, or called by a compiled forward) and parameter count, after running this module
     * once on zeros of {@code inputShape} (batch dimension included) in evaluation mode without
     * gradients. The modes of all modules are restored afterwards.
     */
    public final String summary(int... inputShape) {
        return summary(Tensor.zeros(inputShape));
    }

    /** {@link #summary(int...)} for modules that take several inputs or non-float inputs. */
    public final String summary(Tensor... inputs) {
        return ModuleSummary.of(this, inputs);
    }

    /**
     * Extra information shown after the class name in {@link #toString()}, e.g.
     * {@code in_features=784, out_features=200}; empty by default. Override it rather than toString().
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * A tree like PyTorch's {@code print(model)}:
     * <pre>
     * Mlp(
     *   (fc1): Linear(in_features=784, out_features=200)
     *   (blocks): ModuleList(
     *     (0): Block(...)
     *   )
     * )</pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        repr(this, sb, "", Collections.newSetFromMap(new IdentityHashMap<>()));
        return sb.toString();
    }

    static String typeName(Module m) {
        String simple = m.getClass().getSimpleName();
        return simple.isEmpty() ? m.getClass().getName() : simple;
    }

    private static void repr(Module m, StringBuilder sb, String indent, Set<Module> ancestors) {
        String extra = m.extraRepr();
        sb.append(typeName(m)).append('(');
        if (!ancestors.add(m)) {
            sb.append("<cycle>)");
            return;
        }
        ModuleMembers members = ModuleMembers.of(m);
        if (members.layers.isEmpty()) {
            sb.append(extra == null ? "" : extra).append(')');
        } else {
            String inner = indent + "  ";
            if (extra != null && !extra.isEmpty()) {
                sb.append('\n').append(inner).append(extra.replace("\n", "\n" + inner));
            }
            for (ModuleMembers.LayerField layer : members.layers) {
                if (layer.inline()) {
                    for (Map.Entry<String, Module> e : layer.entries().entrySet()) {
                        sb.append('\n').append(inner).append('(').append(e.getKey()).append("): ");
                        repr(e.getValue(), sb, inner, ancestors);
                    }
                    continue;
                }
                sb.append('\n').append(inner).append('(').append(layer.name()).append("): ");
                if (layer.shape() == ModuleMembers.Shape.SINGLE) {
                    repr(layer.entries().get(""), sb, inner, ancestors);
                } else {
                    sb.append(layer.shape() == ModuleMembers.Shape.MAP ? "ModuleDict(" : "ModuleList(");
                    String inner2 = inner + "  ";
                    for (Map.Entry<String, Module> e : layer.entries().entrySet()) {
                        sb.append('\n').append(inner2).append('(').append(e.getKey()).append("): ");
                        repr(e.getValue(), sb, inner2, ancestors);
                    }
                    sb.append(layer.entries().isEmpty() ? ")" : "\n" + inner + ")");
                }
            }
            sb.append('\n').append(indent).append(')');
        }
        ancestors.remove(m);
    }

    static String shapeOf(Tensor t) {
        return Shapes.str(t.shape());
    }
}
