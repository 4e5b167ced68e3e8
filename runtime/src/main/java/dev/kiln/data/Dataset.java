package dev.kiln.data;

/**
 * A finite, indexable collection of examples, like PyTorch's map-style {@code Dataset}:
 * {@link #size()} examples, each fetched by {@link #get(int)}.
 *
 * <p>A {@link DataLoader} may call {@code get} from its background prefetch thread, so an
 * implementation must be safe to read from a thread other than the one that built it.
 *
 * @param <T> the type of one example (often {@link Example})
 */
public interface Dataset<T> {
    /** The number of examples. */
    int size();

    /** Example {@code index}, for {@code 0 <= index < size()}. */
    T get(int index);
}
