package dev.kiln.golden;

import dev.kiln.annotations.Buffer;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.nn.Module;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nested children, a list of blocks, a shared layer, buffers, a map and an array. */
public class Mlp extends Module {
    @Layer Dense input = new Dense(4, 8);
    @Layer List<Block> blocks = new ArrayList<>();
    @Layer Dense shared;
    @Param Tensor scale = Tensor.ones(1).requiresGrad(true);
    @Buffer Tensor steps = Tensor.zeros(1);
    @Buffer(persistent = false) Tensor scratch = Tensor.zeros(8);
    @Layer Map<String, Dense> heads = new LinkedHashMap<>();
    @Layer Dense[] taps = {new Dense(8, 2)};

    public Mlp() {
        blocks.add(new Block(8));
        blocks.add(new Block(8));
        shared = blocks.get(0).fc;
        heads.put("cls", new Dense(8, 10));
    }

    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = input.forward(x);
        for (Block b : blocks) {
            h = b.forward(h);
        }
        return heads.get("cls").forward(h).mul(scale);
    }
}
