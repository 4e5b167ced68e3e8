package dev.kiln.data;

import dev.kiln.tensor.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Dataset utilities: seeded permutations and random train/validation splits, like {@code torch.utils.data.random_split}. */
public final class Datasets {
    private Datasets() {}

    /** A uniformly random permutation of {@code 0..n-1} drawn from {@code generator} (Fisher-Yates). */
    public static int[] randperm(int n, Generator generator) {
        if (n < 0) {
            throw new IllegalArgumentException("randperm: n must be >= 0, got " + n);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = generator.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /**
     * Splits {@code dataset} into non-overlapping random subsets of the given sizes, which must add
     * up to the dataset's size: {@code randomSplit(train, new int[] {8000, 2000}, new Generator(42))}.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, int[] sizes, Generator generator) {
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("randomSplit: sizes must be >= 0, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != dataset.size()) {
            throw new IllegalArgumentException("randomSplit: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but the dataset has " + dataset.size() + " examples");
        }
        int[] perm = randperm(dataset.size(), generator);
        List<Subset<T>> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(new Subset<>(dataset, Arrays.copyOfRange(perm, start, start + s)));
            start += s;
        }
        return out;
    }

    /**
     * Splits by fractions that add up to 1 (within 1e-6): each part gets floor(fraction * n) and the
     * remainder goes one example at a time to the parts in order, as PyTorch does.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions, Generator generator) {
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("randomSplit: fractions must be in [0, 1], got "
                        + Arrays.toString(fractions));
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("randomSplit: fractions " + Arrays.toString(fractions) + " add up to "
                    + sum + ", not 1");
        }
        int n = dataset.size();
        int[] sizes = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            sizes[i] = (int) Math.floor(fractions[i] * n);
            assigned += sizes[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % sizes.length) {
            sizes[i]++;
            assigned++;
        }
        return randomSplit(dataset, sizes, generator);
    }
}
