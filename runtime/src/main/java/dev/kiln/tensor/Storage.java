package dev.kiln.tensor;

import java.util.Arrays;

/**
 * The flat buffer behind one or more tensors (a tensor and its views share one storage).
 *
 * <p>The version counter counts in-place writes; autograd compares it with the version it
 * saved, so that a tensor modified after it was saved for backward is reported rather than
 * silently giving a wrong gradient.
 */
public final class Storage {
    private final DType dtype;
    private final Object array;
    private final int length;
    private int version;
    private int owners;

    private Storage(DType dtype, Object array, int length) {
        this.dtype = dtype;
        this.array = array;
        this.length = length;
    }

    /**
     * A zero-filled host buffer of {@code length} elements: a recycled one when a {@link StorageArena}
     * is active on this thread, a new one otherwise.
     */
    public static Storage allocate(DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("storage length must be >= 0, got " + length);
        }
        StorageArena arena = StorageArena.active();
        return arena != null ? arena.take(dtype, length, true) : allocateNew(dtype, length);
    }

    /**
     * A buffer whose every element the caller will overwrite: a new one is zero-filled, a recycled one
     * keeps what its previous owner wrote, which saves a pass over memory per op in a training step.
     */
    static Storage allocateUninitialized(DType dtype, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("storage length must be >= 0, got " + length);
        }
        StorageArena arena = StorageArena.active();
        return arena != null ? arena.take(dtype, length, false) : allocateNew(dtype, length);
    }

    /** A new zero-filled buffer, whatever arena is active. */
    static Storage allocateNew(DType dtype, int length) {
        Object array = switch (dtype) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
        };
        return new Storage(dtype, array, length);
    }

    /** Wraps (does not copy) a float array. */
    public static Storage wrap(float[] data) {
        return new Storage(DType.FLOAT32, data, data.length);
    }

    /** Wraps (does not copy) a double array. */
    public static Storage wrap(double[] data) {
        return new Storage(DType.FLOAT64, data, data.length);
    }

    /** Wraps (does not copy) an int array. */
    public static Storage wrap(int[] data) {
        return new Storage(DType.INT32, data, data.length);
    }

    /** Wraps (does not copy) a long array. */
    public static Storage wrap(long[] data) {
        return new Storage(DType.INT64, data, data.length);
    }

    public DType dtype() {
        return dtype;
    }

    public int length() {
        return length;
    }

    /** The backing array for float32 storage; kernels index it directly. */
    public float[] floats() {
        return (float[]) array;
    }

    /** The backing array for float64 storage. */
    public double[] doubles() {
        return (double[]) array;
    }

    /** The backing array for int32 storage. */
    public int[] ints() {
        return (int[]) array;
    }

    /** The backing array for int64 storage. */
    public long[] longs() {
        return (long[]) array;
    }

    /** Element {@code i} widened to double, whatever the dtype (slow path: printing, item(), tests). */
    public double getDouble(int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
            case INT32 -> ((int[]) array)[i];
            case INT64 -> ((long[]) array)[i];
        };
    }

    /** Element {@code i} as a long (exact for the integer dtypes). */
    public long getLong(int i) {
        return switch (dtype) {
            case FLOAT32 -> (long) ((float[]) array)[i];
            case FLOAT64 -> (long) ((double[]) array)[i];
            case INT32 -> ((int[]) array)[i];
            case INT64 -> ((long[]) array)[i];
        };
    }

    /** Sets element {@code i}, narrowing the double to the storage's dtype. */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i] = (float) v;
            case FLOAT64 -> ((double[]) array)[i] = v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT64 -> ((long[]) array)[i] = (long) v;
        }
    }

    /** Sets element {@code i} from a long (exact for the integer dtypes). */
    public void setLong(int i, long v) {
        switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i] = v;
            case FLOAT64 -> ((double[]) array)[i] = v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT64 -> ((long[]) array)[i] = v;
        }
    }

    /** How many in-place writes this storage has seen. */
    public int version() {
        return version;
    }

    /** Fills the buffer with NaN, or the dtype's smallest value ({@link StorageArena#poison}). */
    void poison() {
        fillAll(Double.NaN, Long.MIN_VALUE);
    }

    /** How many times a {@link StorageArena} has handed this buffer to a new owner. */
    int owners() {
        return owners;
    }

    /** Records an in-place write. */
    public void bumpVersion() {
        version++;
    }

    /**
     * Hands the buffer to its next owner ({@link StorageArena}), zero-filled if asked. The owner count
     * moves on, so that the previous owner's tensors fail when read ({@link Tensor#storage()}), and so
     * does the version, as for any write.
     */
    void recycle(boolean zeroFill) {
        if (zeroFill) {
            fillAll(0, 0);
        }
        version++;
        owners++;
    }

    /** Every element set to {@code floating} (float dtypes) or {@code integer} (clamped to the dtype's range). */
    private void fillAll(double floating, long integer) {
        switch (dtype) {
            case FLOAT32 -> Arrays.fill((float[]) array, (float) floating);
            case FLOAT64 -> Arrays.fill((double[]) array, floating);
            case INT32 -> Arrays.fill((int[]) array,
                    (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, integer)));
            case INT64 -> Arrays.fill((long[]) array, integer);
        }
    }
}
