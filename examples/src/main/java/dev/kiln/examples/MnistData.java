package dev.kiln.examples;

import dev.kiln.data.TensorDataset;
import dev.kiln.data.mnist.MnistReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and loads MNIST: the directory given with {@code --data}, or the 10,000 digits the
 * repository ships in {@code examples/data/mnist-10k} (8,000 for training, 2,000 held out).
 */
public final class MnistData {
    private static final String SHIPPED = "examples/data/mnist-10k";

    private MnistData() {}

    /** The data directory: {@code explicit} when given, else the shipped digits under the Kiln checkout. */
    public static Path directory(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String home = System.getProperty("kiln.home");
        Path base = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        for (Path dir = base; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SHIPPED);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("cannot find the shipped MNIST digits (" + SHIPPED + ") above " + base
                + "; run from the Kiln checkout or pass --data DIR");
    }

    /** The training split: images [n, 1, 28, 28] in [0, 1] (or [n, 784] when {@code flatten}), labels int64 [n]. */
    public static TensorDataset train(Path dir, boolean flatten) {
        return MnistReader.train(dir, flatten);
    }

    /** The held-out split. */
    public static TensorDataset test(Path dir, boolean flatten) {
        return MnistReader.test(dir, flatten);
    }
}
