package dev.kiln.nn;

import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Receives the direct members of one module from {@link ModuleStructure#visitMembers}, each under
 * its field name. Values may be null (an absent bias, an unset layer); a container's entries are
 * expanded by the receiver ({@code blocks} into {@code blocks.0}, {@code blocks.1}, ...), or, for an
 * {@code inline} container ({@code @Layer(inline = true)}), into {@code 0}, {@code 1}, ...
 */
public interface ModuleVisitor {

    /** A {@code @Param} field. */
    void parameter(String name, Tensor value);

    /** A {@code @Buffer} field; {@code persistent} is false when it is left out of the state dict. */
    void buffer(String name, Tensor value, boolean persistent);

    /** A {@code @Layer} field holding one module. */
    void layer(String name, Module value);

    /**
     * A {@code @Layer} field holding a list of modules, named {@code name.0}, {@code name.1}, ...
     * ({@code 0}, {@code 1}, ... when {@code inline}).
     */
    void layerList(String name, List<? extends Module> values, boolean inline);

    /** A {@code @Layer} field holding an array of modules, named like a list. */
    void layerArray(String name, Module[] values, boolean inline);

    /** A {@code @Layer} field holding modules by key, named {@code name.key} ({@code key} when inline) in the map's order. */
    void layerMap(String name, Map<String, ? extends Module> values, boolean inline);
}
