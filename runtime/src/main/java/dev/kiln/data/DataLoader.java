package dev.kiln.data;

import dev.kiln.data.transforms.Transform;
import dev.kiln.tensor.Generator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Iterates over a dataset in mini-batches, like PyTorch's {@code DataLoader}: a batch size,
 * shuffling with a seed (a new permutation each epoch), dropping the last incomplete batch, a
 * collate function, batch transforms, and a background thread that prepares the next batches
 * while the current one trains.
 *
 * <pre>{@code
 * DataLoader<Batch> loader = DataLoader.builder(train).batchSize(128).shuffle(true).seed(42).build();
 * for (Batch b : loader) {           // b.input() [128, 1, 28, 28], b.target() [128]
 *     ...
 * }
 * }</pre>
 *
 * <p>Each {@code for} loop (each {@link #iterator()}) is one pass: epoch e's order is a function
 * of the seed and e only, and each batch's transform generator of the seed, e and the batch
 * index, so the batches do not depend on timing, on prefetching, or on whether the run was
 * stopped and resumed. The loader keeps a cursor, {@link #state()}: the epoch and the number of
 * batches of it delivered so far. A pass that runs to its end moves the cursor to the next
 * epoch; a pass abandoned early (break) is followed by a fresh pass of the next epoch, as in
 * PyTorch; after {@link #setState} the next pass resumes the saved epoch at the saved position,
 * which is how a checkpointed run continues exactly.
 *
 * <p>The iterator is {@link AutoCloseable}: closing it (or starting the next pass) stops its
 * prefetch thread, which is a daemon and never keeps the JVM alive. An exception thrown while
 * loading a batch reaches the consumer as a {@link DataLoaderException} with that exception as
 * its cause. A loader is meant for one consuming thread.
 *
 * @param <B> the type of a batch
 */
public final class DataLoader<B> implements Iterable<B> {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** Produces the batch made of the examples at the given dataset indices. */
    @FunctionalInterface
    private interface Fetcher<B> {
        /** The batch of the examples at {@code indices}, in that order. */
        B fetch(int[] indices);
    }

    /**
     * A loader's position: the shuffling seed, the epoch, and how many batches of that epoch have
     * been delivered (the index of the next batch). Save it in a checkpoint and pass it to
     * {@link #setState} to resume.
     */
    public record State(long seed, int epoch, int position) {}

    private final int datasetSize;
    private final Fetcher<B> fetcher;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int prefetch;
    private final BatchTransform<B> transform;
    private long seed;

    private int epoch;
    private int position;
    private boolean passOpen;
    private BatchIterator active;

    private DataLoader(Builder<B> b, long seed) {
        this.datasetSize = b.size;
        this.fetcher = b.fetcher;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.transform = b.transform;
        this.seed = seed;
    }

    /**
     * A builder for a loader of {@link Batch}es over a dataset of {@link Example}s, stacked by
     * default; a {@link TensorDataset} (or a {@link Subset} of one) is gathered row by row straight
     * into the batch tensors.
     */
    public static Builder<Batch> builder(Dataset<Example> dataset) {
        Builder<Batch> b = new Builder<>(dataset.size(), fastFetcher(dataset));
        b.inputTransformAdapter = true;
        return b;
    }

    /** A builder for a loader over any dataset, with {@code collate} making batches from examples. */
    public static <T, B> Builder<B> builder(Dataset<T> dataset, Collate<T, B> collate) {
        return new Builder<>(dataset.size(), indices -> {
            List<T> examples = new ArrayList<>(indices.length);
            for (int i : indices) {
                examples.add(dataset.get(i));
            }
            return collate.collate(examples);
        });
    }

    private static Fetcher<Batch> fastFetcher(Dataset<Example> dataset) {
        if (dataset instanceof TensorDataset t) {
            return t::batch;
        }
        if (dataset instanceof Subset<Example> s && s.source() instanceof TensorDataset t) {
            return indices -> {
                int[] mapped = new int[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    mapped[i] = s.sourceIndex(indices[i]);
                }
                return t.batch(mapped);
            };
        }
        Collate<Example, Batch> stack = Collate.stack();
        return indices -> {
            List<Example> examples = new ArrayList<>(indices.length);
            for (int i : indices) {
                examples.add(dataset.get(i));
            }
            return stack.collate(examples);
        };
    }

    /** The number of batches in one pass. */
    public int length() {
        return dropLast ? datasetSize / batchSize : (datasetSize + batchSize - 1) / batchSize;
    }

    /** The number of examples in the dataset. */
    public int datasetSize() {
        return datasetSize;
    }

    /** The number of examples per batch (the last batch of a pass may hold fewer unless dropLast). */
    public int batchSize() {
        return batchSize;
    }

    /** The cursor: seed, epoch, and batches of the epoch delivered so far. */
    public State state() {
        return new State(seed, epoch, position);
    }

    /**
     * Moves the cursor: the next pass is epoch {@code state.epoch()} starting at batch
     * {@code state.position()}, shuffled with {@code state.seed()}; an open pass is closed.
     */
    public void setState(State state) {
        if (state.epoch() < 0 || state.position() < 0 || state.position() > length()) {
            throw new IllegalArgumentException("DataLoader.setState: epoch " + state.epoch() + " and position "
                    + state.position() + " must be >= 0, and the position at most the " + length()
                    + " batches of a pass");
        }
        closeActive();
        this.seed = state.seed();
        this.epoch = state.epoch();
        this.position = state.position();
        if (position == length() && position > 0) {
            // A pass that was saved after its last batch resumes as the next epoch.
            epoch++;
            position = 0;
        }
        this.passOpen = false;
    }

    /** Makes the next pass start epoch {@code epoch} from its first batch (like {@code DistributedSampler.set_epoch}). */
    public void setEpoch(int epoch) {
        setState(new State(seed, epoch, 0));
    }

    /** Starts a pass at the cursor (see the class comment); closes a pass still open. */
    @Override
    public BatchIterator iterator() {
        if (passOpen) {
            closeActive();
            epoch++;
            position = 0;
        }
        passOpen = true;
        BatchIterator it = new BatchIterator(epoch, position);
        active = it;
        if (length() == 0) {
            finishPass(it);
        }
        return it;
    }

    private void closeActive() {
        if (active != null) {
            active.stop();
            active = null;
        }
    }

    private void delivered(BatchIterator it, int next) {
        if (it != active) {
            return;
        }
        position = next;
        if (next == length()) {
            finishPass(it);
        }
    }

    private void finishPass(BatchIterator it) {
        epoch = it.epoch + 1;
        position = 0;
        passOpen = false;
        active = null;
    }

    /** The dataset indices of epoch {@code e}, in the order they are served. */
    private int[] order(long seed, int e) {
        if (!shuffle) {
            return null;
        }
        return Datasets.randperm(datasetSize, new Generator(mix(seed, 0x5EED_0F_E90C4L + e)));
    }

    private B makeBatch(long seed, int e, int[] order, int b) {
        int start = b * batchSize;
        int end = Math.min(datasetSize, start + batchSize);
        int[] indices = new int[end - start];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = order == null ? start + i : order[start + i];
        }
        B batch = fetcher.fetch(indices);
        if (transform != null) {
            batch = transform.apply(batch, new Generator(mix(mix(seed, 0x7A45_F0E4L + e), b)));
        }
        return batch;
    }

    /** SplitMix64's finaliser over a combination of two words: nearby seeds, epochs and batches give unrelated streams. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One pass over the loader's dataset; close it to stop its prefetch thread early. */
    public final class BatchIterator implements Iterator<B>, AutoCloseable {
        private final long seed;
        private final int epoch;
        private final int[] order;
        private final int total;
        private int next;
        private volatile boolean closed;
        private final BlockingQueue<Object> queue;
        private final Thread producer;

        private BatchIterator(int epoch, int start) {
            this.seed = DataLoader.this.seed;
            this.epoch = epoch;
            this.order = order(seed, epoch);
            this.total = length();
            this.next = start;
            if (prefetch > 0 && start < total) {
                queue = new ArrayBlockingQueue<>(prefetch);
                producer = new Thread(() -> produce(start), "kiln-data-prefetch-" + THREAD_IDS.incrementAndGet());
                producer.setDaemon(true);
                producer.start();
            } else {
                queue = null;
                producer = null;
            }
        }

        /** The epoch this pass serves. */
        public int epoch() {
            return epoch;
        }

        @Override
        public boolean hasNext() {
            return !closed && next < total;
        }

        @Override
        public B next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed ? "DataLoader: this pass was closed (a newer pass started, "
                        + "or close() or setState() was called)" : "DataLoader: the pass is over (" + total + " batches)");
            }
            B batch = queue == null ? inline(next) : take();
            next++;
            delivered(this, next);
            if (next == total) {
                closed = true;
            }
            return batch;
        }

        private B inline(int b) {
            try {
                return makeBatch(seed, epoch, order, b);
            } catch (RuntimeException | Error e) {
                stop();
                throw failure(b, e);
            }
        }

        @SuppressWarnings("unchecked")
        private B take() {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new DataLoaderException("DataLoader: interrupted while waiting for batch " + next + " of epoch "
                        + epoch, e);
            }
            if (item instanceof Failure f) {
                stop();
                throw failure(f.batch, f.cause);
            }
            return (B) item;
        }

        private DataLoaderException failure(int b, Throwable cause) {
            return new DataLoaderException("DataLoader: loading batch " + b + " of epoch " + epoch + " failed: "
                    + cause, cause);
        }

        private void produce(int start) {
            for (int b = start; b < total && !closed; b++) {
                Object item;
                try {
                    item = makeBatch(seed, epoch, order, b);
                } catch (Throwable e) {
                    // Everything, errors included, goes to the consumer: a dead producer must not leave it waiting.
                    item = new Failure(b, e);
                }
                if (!offer(item) || item instanceof Failure) {
                    return;
                }
            }
        }

        private boolean offer(Object item) {
            try {
                while (!closed) {
                    if (queue.offer(item, 20, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        private void stop() {
            closed = true;
            if (queue != null) {
                queue.clear(); // frees prefetched batches and unblocks a producer waiting for room
            }
        }

        /** Stops this pass: its prefetch thread ends, and the next pass starts the next epoch. */
        @Override
        public void close() {
            stop();
        }
    }

    /** A failed batch, passed through the queue so the consumer rethrows it in order. */
    private record Failure(int batch, Throwable cause) {}

    /** Configures a {@link DataLoader}; every option has PyTorch's default except prefetching, which is on. */
    public static final class Builder<B> {
        private final int size;
        private final Fetcher<B> fetcher;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private int prefetch = 2;
        private BatchTransform<B> transform;
        private Long seed;
        private boolean inputTransformAdapter;

        private Builder(int size, Fetcher<B> fetcher) {
            this.size = size;
            this.fetcher = fetcher;
        }

        /** Examples per batch (default 1). */
        public Builder<B> batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("DataLoader: batchSize must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the examples in a new random order (default false). */
        public Builder<B> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** The seed of the shuffling and of batch transforms (default: drawn from {@code Generator.global()}). */
        public Builder<B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to skip the last batch of a pass when it is smaller than the batch size (default false). */
        public Builder<B> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** How many batches the background thread prepares ahead (default 2); 0 loads each batch inline when asked. */
        public Builder<B> prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** A transform of each whole batch, given a generator seeded per (seed, epoch, batch). */
        public Builder<B> transform(BatchTransform<B> transform) {
            this.transform = transform;
            return this;
        }

        /**
         * An image transform ({@link dev.kiln.data.transforms.Transform}) applied to each example's input
         * in a batch of {@link Batch}es; only for loaders made by {@link DataLoader#builder(Dataset)}.
         */
        @SuppressWarnings("unchecked")
        public Builder<B> inputTransform(Transform transform) {
            if (!inputTransformAdapter) {
                throw new IllegalStateException("DataLoader: inputTransform needs a loader of Batches over Examples "
                        + "(DataLoader.builder(dataset)); with a custom collate, use transform(BatchTransform)");
            }
            this.transform = (BatchTransform<B>) BatchTransform.onInputs(transform);
            return this;
        }

        /** The loader. */
        public DataLoader<B> build() {
            return new DataLoader<>(this, seed != null ? seed : Generator.global().nextLong());
        }
    }
}
