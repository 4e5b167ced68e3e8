package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another, each to the previous one's output: the input is the first
 * module's input and the output the last one's (an empty Sequential returns its input). Each module
 * must take and return one tensor. Children are named {@code 0}, {@code 1}, ... as in PyTorch's
 * {@code nn.Sequential}, so a {@code features} field holding one has keys {@code features.0.weight}.
 */
public class Sequential extends Module {
    @Layer(inline = true) List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module; returns this. */
    public Sequential add(Module module) {
        if (module == null) {
            throw new IllegalArgumentException("Sequential: cannot add a null module");
        }
        layers.add(module);
        return this;
    }

    /** The module at {@code index}. */
    public Module get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    /** The first module's input to the last module's output. */
    @Forward
    public Tensor forward(Tensor x) {
        Tensor out = x;
        for (Module m : layers) {
            out = m.apply(out);
        }
        return out;
    }
}
