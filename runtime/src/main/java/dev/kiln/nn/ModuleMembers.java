package dev.kiln.nn;

import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The direct members of one module instance, collected from its {@link ModuleStructure}: non-null
 * parameters and buffers by field name, and child modules with containers expanded
 * ({@code blocks.0}). Built on demand; never cached, so it always reflects the current fields.
 */
final class ModuleMembers implements ModuleVisitor {

    /** How a {@code @Layer} field holds its modules; used for the {@code toString()} tree. */
    enum Shape { SINGLE, LIST, MAP }

    /**
     * One {@code @Layer} field and its non-null modules, keyed relative to the field ("0", "key");
     * an inline container's keys are the children's names.
     */
    record LayerField(String name, Shape shape, boolean inline, Map<String, Module> entries) {}

    private final Module owner;
    private final Set<String> names = new LinkedHashSet<>();
    final Map<String, Tensor> parameters = new LinkedHashMap<>();
    final Map<String, Tensor> buffers = new LinkedHashMap<>();
    final Set<String> nonPersistentBuffers = new LinkedHashSet<>();
    final Map<String, Module> children = new LinkedHashMap<>();
    final List<LayerField> layers = new ArrayList<>();

    private ModuleMembers(Module owner) {
        this.owner = owner;
    }

    static ModuleMembers of(Module module) {
        ModuleMembers members = new ModuleMembers(module);
        module.structure().visitMembers(module, members);
        return members;
    }

    @Override
    public void parameter(String name, Tensor value) {
        claim(name);
        if (value != null) {
            parameters.put(name, value);
        }
    }

    @Override
    public void buffer(String name, Tensor value, boolean persistent) {
        claim(name);
        if (value != null) {
            buffers.put(name, value);
            if (!persistent) {
                nonPersistentBuffers.add(name);
            }
        }
    }

    @Override
    public void layer(String name, Module value) {
        claim(name);
        if (value != null) {
            children.put(name, value);
            layers.add(new LayerField(name, Shape.SINGLE, false, Map.of("", value)));
        }
    }

    @Override
    public void layerList(String name, List<? extends Module> values, boolean inline) {
        claim(name);
        if (values != null) {
            Map<String, Module> entries = new LinkedHashMap<>();
            int i = 0;
            for (Module m : values) {
                if (m != null) {
                    entries.put(Integer.toString(i), m);
                }
                i++;
            }
            addContainer(name, Shape.LIST, inline, entries);
        }
    }

    @Override
    public void layerArray(String name, Module[] values, boolean inline) {
        layerList(name, values == null ? null : Arrays.asList(values), inline);
    }

    @Override
    public void layerMap(String name, Map<String, ? extends Module> values, boolean inline) {
        claim(name);
        if (values != null) {
            Map<String, Module> entries = new LinkedHashMap<>();
            for (Map.Entry<String, ? extends Module> e : values.entrySet()) {
                String key = e.getKey();
                if (key == null || key.isEmpty() || key.contains(".")) {
                    throw new IllegalStateException(owner.getClass().getName() + "." + name + ": the key "
                            + (key == null ? "null" : "'" + key + "'") + " cannot name a module: "
                            + "keys of a @Layer map must be non-empty and contain no '.'");
                }
                if (e.getValue() != null) {
                    entries.put(key, e.getValue());
                }
            }
            addContainer(name, Shape.MAP, inline, entries);
        }
    }

    private void addContainer(String name, Shape shape, boolean inline, Map<String, Module> entries) {
        for (Map.Entry<String, Module> e : entries.entrySet()) {
            String key = inline ? e.getKey() : name + "." + e.getKey();
            if (inline && names.contains(key)) {
                throw new IllegalStateException(owner.getClass().getName() + "." + name + ": the inline key '" + key
                        + "' is also the name of a member; rename the key");
            }
            children.put(key, e.getValue());
        }
        layers.add(new LayerField(name, shape, inline, entries));
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException(owner.getClass().getName() + " has two members named '" + name
                    + "' (a field hides an annotated field of a superclass): rename one, their state-dict keys "
                    + "would collide");
        }
    }
}
