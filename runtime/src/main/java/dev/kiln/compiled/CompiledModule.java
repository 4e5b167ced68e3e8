package dev.kiln.compiled;

import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;

/**
 * The compiled forward of one module class, written by the Kiln processor as {@code Foo_Compiled}
 * when it could compile the class's {@code @Forward} body: a forward that records nothing and keeps
 * in a {@link Frame} exactly what the generated backward reads.
 *
 * @param <M> the module class
 */
public interface CompiledModule<M extends Module> {

    /**
     * Runs the forward of {@code module} on {@code inputs} (one per {@code Tensor} parameter of its
     * {@code @Forward} method) without recording; {@code needsGrad[i]} says whether input {@code i}
     * needs a gradient. Called with gradient recording off.
     */
    Frame forward(M module, Tensor[] inputs, boolean[] needsGrad);
}
