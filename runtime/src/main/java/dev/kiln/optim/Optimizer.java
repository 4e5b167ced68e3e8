package dev.kiln.optim;

import dev.kiln.autograd.GradMode;
import dev.kiln.tensor.Device;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of Kiln's optimizers: parameter groups with their own hyperparameters, a {@link #step()}
 * that updates every parameter that has a gradient, {@link #zeroGrad()}, and a state dict that
 * holds everything needed to resume training exactly.
 *
 * <p>A subclass supplies the update rule for one parameter ({@link #update}) and the state it keeps
 * ({@link #newState}). {@code step()} skips parameters whose gradient is null (as PyTorch does),
 * hands the rule a contiguous host gradient of the parameter's dtype, lets it write the parameter's
 * storage in place and bumps the storage version; nothing is recorded on the autograd graph (a
 * gradient that must first be converted or made contiguous, and a strided parameter, which is
 * updated through a copy, are handled under {@link GradMode#noGrad()}). Gradients are read, never
 * written. The steady-state step allocates nothing. Parameters are indexed across all groups in
 * order, as in PyTorch's state dicts.
 *
 * <pre>{@code
 * Adam opt = new Adam(model.parameters(), Adam.options().lr(1e-3));
 * for (Batch b : loader) {
 *     opt.zeroGrad();
 *     loss(model.forward(b.x()), b.y()).backward();
 *     opt.step();
 * }
 * }</pre>
 */
public abstract class Optimizer {
    private final String name;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<ParamState> states = new ArrayList<>();

    /** An optimizer called {@code name} (in messages and state dicts) over one group of {@code params}. */
    protected Optimizer(String name, Iterable<Tensor> params, OptimizerOptions<?> options) {
        this.name = name;
        addGroup(params, options);
    }

    /** The optimizer's name ({@code "Adam"}). */
    public final String name() {
        return name;
    }

    /** The parameter groups, in the order they were added; their options can be changed between steps. */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * Adds a group of parameters with their own hyperparameters (copied); each subclass offers a
     * typed {@code addParamGroup}. A parameter may belong to one group only.
     */
    protected final void addGroup(Iterable<Tensor> params, OptimizerOptions<?> options) {
        if (!options.owner().equals(name)) {
            throw new IllegalArgumentException(name + ": options of " + options.owner() + " given to " + name);
        }
        OptimizerOptions<?> own = options.copy();
        own.validate();
        List<Tensor> list = new ArrayList<>();
        Set<Tensor> added = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : params) {
            int index = states.size() + list.size();
            if (p == null) {
                throw new IllegalArgumentException(name + ": parameter " + index + " is null");
            }
            if (!p.dtype().isFloating()) {
                throw new IllegalArgumentException(name + ": can only optimize floating tensors, parameter " + index
                        + " is " + p.dtype() + " of shape " + Shapes.str(p.shape()));
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": can't optimize a non-leaf tensor (parameter " + index
                        + " of shape " + Shapes.str(p.shape()) + " was produced by " + p.gradFn().name()
                        + "); pass the leaf tensors, such as model.parameters()");
            }
            if (seen.contains(p) || !added.add(p)) {
                throw new IllegalArgumentException(name + ": parameter " + index + " of shape " + Shapes.str(p.shape())
                        + " appears more than once; a parameter may belong to one group only");
            }
            list.add(p);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        seen.addAll(added);
        groups.add(new ParamGroup(list.toArray(new Tensor[0]), own));
        for (int i = 0; i < list.size(); i++) {
            states.add(null);
        }
    }

    // ---------------------------------------------------------------- the update

    /** Updates every parameter that has a gradient, once. */
    public void step() {
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup group = groups.get(gi);
            OptimizerOptions<?> options = group.options();
            for (Tensor p : group.paramArray()) {
                int i = index++;
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                ParamState state = states.get(i);
                if (state == null) {
                    state = newState(p, options);
                    states.set(i, state);
                }
                if (g.dtype() == p.dtype() && g.isContiguous() && g.device().isCpu() && p.isContiguous()
                        && p.device().isCpu()) {
                    // The common case writes storage arrays and calls no op, so there is nothing to keep off the
                    // graph; skipping the noGrad scope keeps the step free of allocation.
                    update(p, g, state, options);
                    p.storage().bumpVersion();
                } else {
                    try (var scope = GradMode.noGrad()) {
                        updateStrided(p, g, state, options);
                    }
                }
            }
        }
    }

    /** A gradient of another dtype or layout, or a strided or device parameter: update contiguous host copies. */
    private void updateStrided(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options) {
        Tensor grad = g.to(Device.cpu()).to(p.dtype()).contiguous();
        if (p.isContiguous() && p.device().isCpu()) {
            update(p, grad, state, options);
            p.storage().bumpVersion();
        } else {
            Tensor work = p.to(Device.cpu()).copy();
            update(work, grad, state, options);
            p.copyFrom(work);
        }
    }

    /** The empty state of {@code param} before its first update. */
    protected abstract ParamState newState(Tensor param, OptimizerOptions<?> options);

    /**
     * Applies one update to contiguous host parameter {@code p} (write its storage from
     * {@code p.offset()}) from contiguous host gradient {@code g} of the same dtype and shape; must
     * not write {@code g}. It may be called with gradient recording on: a rule that calls tensor ops
     * instead of writing storage must wrap them in {@link GradMode#noGrad()}.
     */
    protected abstract void update(Tensor p, Tensor g, ParamState state, OptimizerOptions<?> options);

    /** Sets every parameter's gradient to null (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (ParamGroup group : groups) {
            for (Tensor p : group.paramArray()) {
                p.setGrad(null);
            }
        }
    }

    // ---------------------------------------------------------------- state dict

    /** A snapshot of the per-parameter state and of every group's hyperparameters; see {@link OptimizerStateDict}. */
    public OptimizerStateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Object> groupMaps = new ArrayList<>();
        int index = 0;
        for (ParamGroup group : groups) {
            Map<String, Object> map = group.options().toMap();
            if (group.hasInitialLr()) {
                map.put("initial_lr", group.initialLr());
            }
            List<Object> ids = new ArrayList<>();
            for (int k = 0; k < group.paramArray().length; k++) {
                ParamState state = states.get(index);
                if (state != null) {
                    state.save("state." + index + ".", tensors);
                }
                ids.add(index++);
            }
            map.put("params", ids);
            groupMaps.add(map);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("optimizer", name);
        metadata.put("param_groups", groupMaps);
        return new OptimizerStateDict(tensors, metadata);
    }

    /**
     * Restores a snapshot taken by {@link #stateDict()} of an optimizer of the same kind over
     * parameters of the same shapes, grouped the same way: the groups' hyperparameters and every
     * parameter's state. Everything is checked before anything changes; a mismatch names the group,
     * the key or the shapes.
     */
    public void loadStateDict(OptimizerStateDict stateDict) {
        String where = name + ".loadStateDict";
        Map<String, Object> metadata = stateDict.metadata();
        Object savedName = metadata.get("optimizer");
        if (!name.equals(savedName)) {
            throw new IllegalArgumentException(where + ": the state dict is from " + savedName + ", not " + name);
        }
        if (!(metadata.get("param_groups") instanceof List<?> savedGroups)) {
            throw new IllegalArgumentException(where + ": metadata has no param_groups list");
        }
        if (savedGroups.size() != groups.size()) {
            throw new IllegalArgumentException(where + ": the state dict has " + savedGroups.size()
                    + " parameter groups but this optimizer has " + groups.size());
        }
        StateReader reader = new StateReader(where, stateDict.tensors());
        List<Map<String, ?>> groupMaps = new ArrayList<>();
        List<ParamState> loaded = new ArrayList<>();
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            String gWhere = where + ": param_groups[" + gi + "]";
            if (!(savedGroups.get(gi) instanceof Map<?, ?> raw)) {
                throw new IllegalArgumentException(gWhere + " is not a map");
            }
            Map<String, ?> map = stringKeys(raw, gWhere);
            ParamGroup group = groups.get(gi);
            OptimizerOptions<?> trial = group.options().copy();
            trial.readFrom(map, gWhere);
            if (map.containsKey("initial_lr")) {
                HyperparameterCheck.nonNegative(name, "initial_lr", OptimizerOptions.number(map, "initial_lr", gWhere));
            }
            List<Integer> ids = savedIds(map.get("params"), gWhere);
            Tensor[] params = group.paramArray();
            if (ids.size() != params.length) {
                throw new IllegalArgumentException(gWhere + " has " + ids.size() + " parameters but this optimizer's group "
                        + gi + " has " + params.length);
            }
            for (int k = 0; k < params.length; k++) {
                String prefix = "state." + ids.get(k) + ".";
                ParamState state = null;
                if (reader.hasAny(prefix)) {
                    state = newState(params[k], trial);
                    state.load(prefix, reader, params[k]);
                }
                loaded.add(state);
                index++;
            }
            groupMaps.add(map);
        }
        List<String> unused = reader.unused();
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(where + ": unexpected keys " + unused);
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup group = groups.get(gi);
            Map<String, ?> map = groupMaps.get(gi);
            group.options().readFrom(map, where + ": param_groups[" + gi + "]");
            if (map.containsKey("initial_lr")) {
                group.setInitialLr(((Number) map.get("initial_lr")).doubleValue());
            }
        }
        for (int i = 0; i < index; i++) {
            states.set(i, loaded.get(i));
        }
    }

    private static Map<String, ?> stringKeys(Map<?, ?> raw, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException(where + " has a key that is not a string: " + e.getKey());
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    private static List<Integer> savedIds(Object value, String where) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ".params must be a list of parameter indices, got " + value);
        }
        List<Integer> ids = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0) {
                throw new IllegalArgumentException(where + ".params must hold whole numbers >= 0, got " + o);
            }
            ids.add(n.intValue());
        }
        return ids;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        for (int gi = 0; gi < groups.size(); gi++) {
            sb.append("\nParameter Group ").append(gi);
            for (Map.Entry<String, Object> e : groups.get(gi).options().toMap().entrySet()) {
                sb.append("\n    ").append(e.getKey()).append(": ").append(e.getValue());
            }
        }
        return sb.append("\n)").toString();
    }
}
