package dev.kiln.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Recycles the storages of a computation that runs again and again with the same shapes (a training
 * step), so that once warm it allocates no tensor memory: while the arena is {@linkplain #activate()
 * active} on a thread, {@link Storage#allocate} on that thread hands out the storage that the same
 * allocation (by position in the run) got during the previous run: zero-filled again for
 * {@link Tensor#zeros}, as it was for {@link Tensor#empty}, whose caller overwrites every element.
 *
 * <p>The contract is the one PyTorch's CUDA graphs impose on their static outputs: a tensor allocated
 * during one run is valid until the next {@link #startRun()}; whoever keeps one longer must
 * {@link Tensor#copy()} it, which allocates outside any arena. Recycling moves the storage's owner
 * count on, and a tensor made for an earlier owner fails when it is read (a graph kept with
 * {@code retainGraph} included) instead of silently returning another run's numbers. A run that allocates differently from the previous one (another batch
 * size, an {@code if} that went the other way) is still correct: a position whose size or dtype
 * changed gets a new storage, which later runs reuse. Each position keeps the storages of its two most
 * recent sizes, so that an epoch's smaller last batch, alternating with full ones, settles too.
 *
 * <p>An arena belongs to one thread at a time and is not thread-safe; kernels that the worker pool runs
 * on other threads allocate normally.
 */
public final class StorageArena {
    private static final ThreadLocal<StorageArena> ACTIVE = new ThreadLocal<>();

    /** Per position in a run, the storages of its two most recent sizes, the latest first. */
    private final List<Storage[]> slots = new ArrayList<>();
    private int cursor;
    private long reused;
    private long created;

    /** Starts a new run: the storages handed out so far may be handed out again, in the same order. */
    public void startRun() {
        cursor = 0;
    }

    /**
     * Serves {@link Storage#allocate} on the calling thread from this arena until the scope closes; the
     * position within the current run carries over from an earlier scope (a run may be split into
     * several scopes, as a training step's forward and backward are).
     *
     * @throws IllegalStateException if an arena is already active on this thread
     */
    public Scope activate() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("StorageArena: another arena is already active on thread "
                    + Thread.currentThread().getName() + "; arenas do not nest");
        }
        ACTIVE.set(this);
        return new Scope();
    }

    /** How many allocations this arena served with a recycled storage. */
    public long reusedCount() {
        return reused;
    }

    /** How many allocations needed a new storage (the first run, and positions whose size changed). */
    public long createdCount() {
        return created;
    }

    /** How many storages the arena holds, and so keeps alive between runs. */
    public int size() {
        int n = 0;
        for (Storage[] kept : slots) {
            n += kept[1] == null ? 1 : 2;
        }
        return n;
    }

    /**
     * Fills every storage the arena holds with NaN (the smallest value for integer dtypes): a debugging
     * aid, and what the tests run every op under, that makes code which reads a recycled tensor before
     * writing it (an {@link Tensor#empty} output it does not fill) show up in the next run.
     */
    public void poison() {
        for (Storage[] kept : slots) {
            for (Storage storage : kept) {
                if (storage != null) {
                    storage.poison();
                }
            }
        }
    }

    /** The arena active on the calling thread, or null. */
    static StorageArena active() {
        return ACTIVE.get();
    }

    /**
     * The storage for the next allocation of this run: last run's at this position if it fits (zero-filled
     * again when {@code zeroFill}), else a new one.
     */
    Storage take(DType dtype, int length, boolean zeroFill) {
        int position = cursor++;
        if (position == slots.size()) {
            slots.add(new Storage[2]);
        }
        Storage[] kept = slots.get(position);
        for (int i = 0; i < 2; i++) {
            Storage previous = kept[i];
            if (previous != null && previous.dtype() == dtype && previous.length() == length) {
                kept[i] = kept[0];
                kept[0] = previous;
                previous.recycle(zeroFill);
                reused++;
                return previous;
            }
        }
        Storage fresh = Storage.allocateNew(dtype, length);
        kept[1] = kept[0];
        kept[0] = fresh;
        created++;
        return fresh;
    }

    /** The period during which an arena serves its thread's allocations. */
    public final class Scope implements AutoCloseable {
        private boolean open = true;

        private Scope() {}

        /** Stops serving allocations from the arena; the run's position is kept for the next scope. */
        @Override
        public void close() {
            if (open) {
                open = false;
                ACTIVE.remove();
            }
        }
    }
}
