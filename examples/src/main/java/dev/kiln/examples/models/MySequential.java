package dev.kiln.examples.models;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's hand-written sequential container: its modules in a list and a forward that loops over
 * them, each applied to the previous one's output. Input: whatever the first module takes; output:
 * what the last one returns (for the seed, {@code [N, 20]} to {@code [N, 10]}). The children are named
 * {@code 0}, {@code 1}, ... like the seed's {@code self._modules[str(idx)]}, so the keys are
 * {@code 0.weight}, {@code 2.bias}, exactly PyTorch's.
 */
public class MySequential extends Module {
    // Inline: the elements are this module's own children (0, 1, ...), not "modules.0", as in the seed.
    @Layer(inline = true) final List<Module> modules = new ArrayList<>();

    public MySequential(Module... modules) {
        for (Module m : modules) {
            if (m == null) {
                throw new IllegalArgumentException("MySequential: module " + this.modules.size() + " is null");
            }
            this.modules.add(m);
        }
    }

    /** The first module's input to the last module's output. */
    @Forward
    public Tensor forward(Tensor x) {
        for (Module block : modules) {
            x = block.apply(x);
        }
        return x;
    }
}
