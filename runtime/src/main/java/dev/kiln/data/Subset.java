package dev.kiln.data;

/**
 * The examples of another dataset at given indices, in that order, like PyTorch's {@code Subset};
 * {@link Datasets#randomSplit} returns these.
 *
 * @param <T> the type of one example
 */
public final class Subset<T> implements Dataset<T> {
    private final Dataset<T> source;
    private final int[] indices;

    /** The examples {@code source.get(indices[0]), source.get(indices[1]), ...}. */
    public Subset(Dataset<T> source, int[] indices) {
        int n = source.size();
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is out of range for a dataset of "
                        + n + " examples");
            }
        }
        this.source = source;
        this.indices = indices.clone();
    }

    /** The dataset this subset selects from. */
    public Dataset<T> source() {
        return source;
    }

    /** The index in {@link #source()} of example {@code i} of this subset. */
    public int sourceIndex(int i) {
        return indices[i];
    }

    /** The selected indices (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public T get(int index) {
        return source.get(indices[index]);
    }
}
