package dev.kiln.nn;

/**
 * The structure of one module class, written by the Kiln annotation processor as {@code Foo_Module}
 * beside {@code Foo} (or read by reflection when the processor did not run).
 *
 * <p>A structure knows only the class's own members, in field order, superclass members first;
 * {@link Module} builds everything else (dotted names, deduplication, state dicts, devices) on top of
 * these three operations. An implementation holds no state and is shared by every instance of its class.
 *
 * <p>Generated implementations have a public no-argument constructor; {@link ModuleStructures} finds
 * them by name ({@code pkg.Outer_Inner_Module} for {@code pkg.Outer.Inner}) and caches one per class.
 *
 * @param <M> the module class
 */
public interface ModuleStructure<M extends Module> {

    /**
     * Reports the module's own parameters, buffers and layers to {@code visitor}, in field order with
     * the superclass's fields first. Null fields are reported too; the visitor skips them.
     */
    void visitMembers(M module, ModuleVisitor visitor);

    /**
     * Replaces every {@code @Param} and {@code @Buffer} field of the module with what {@code mapper}
     * returns for it, in the same order as {@link #visitMembers}. Used by {@link Module#to}.
     */
    void mapTensors(M module, ModuleTensorMapper mapper);

    /**
     * Calls the module's {@code @Forward} method with untyped arguments, checked one by one
     * (see {@link ModuleArgs}). Throws {@link IllegalStateException} when the class has no
     * {@code @Forward} method.
     */
    Object invokeForward(M module, Object[] args);

    /**
     * The {@code @Forward} method as it reads in messages, e.g. {@code Mlp.forward(Tensor)}, or the
     * empty string when the class has none.
     */
    String forwardSignature();

    /**
     * The compiled forward and backward of the {@code @Forward} body ({@code Foo_Compiled}), or null
     * when the processor could not compile it and the body runs eagerly on the autograd tape.
     */
    default dev.kiln.compiled.CompiledModule<M> compiled() {
        return null;
    }
}
