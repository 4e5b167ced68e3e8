package dev.kiln.io;

import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@link AtomicSaveKillTest}: saves versions first, first+1, ... of a
 * checkpoint to one path, as fast as it can, until it is killed.
 */
public final class SaveLoopMain {
    private SaveLoopMain() {}

    /** Deterministic contents of version {@code v} (about 1 MB, so a kill often lands mid-write). */
    static LinkedHashMap<String, Tensor> contents(long v) {
        Generator g = new Generator(v);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("weight", Tensor.rand(g, 500, 500));
        t.put("bias", Tensor.rand(g, DType.FLOAT64, 17));
        t.put("version", Tensor.of(new long[] {v}, 1));
        return t;
    }

    static Map<String, String> metadata(long v) {
        return Map.of("version", Long.toString(v));
    }

    /** Arguments: the checkpoint path and the first version to write. */
    public static void main(String[] args) {
        Path target = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        LinkedHashMap<String, Tensor> next = contents(first);
        System.out.println("ready");
        System.out.flush();
        for (long v = first; ; v++) {
            SafeTensors.write(target, next, metadata(v));
            next = contents(v + 1);
        }
    }
}
