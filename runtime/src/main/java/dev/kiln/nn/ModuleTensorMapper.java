package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

/**
 * Computes the replacement of each {@code @Param} and {@code @Buffer} field of a module, for
 * {@link ModuleStructure#mapTensors}: the field is assigned what the method returns. Values may be
 * null; a mapper returns null for them.
 */
public interface ModuleTensorMapper {

    /** The new value of the {@code @Param} field {@code name}. */
    Tensor parameter(String name, Tensor value);

    /** The new value of the {@code @Buffer} field {@code name}. */
    Tensor buffer(String name, Tensor value);
}
