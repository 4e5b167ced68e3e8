package dev.kiln.tensor;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.autograd.Node;
import dev.kiln.backend.Backends;
import dev.kiln.backend.cpu.VectorApi;
import dev.kiln.ops.Ops;
import java.util.Arrays;

/**
 * An n-dimensional array with a shape, strides and an offset into a shared {@link Storage},
 * and, when it takes part in autograd, the node that produced it.
 *
 * <p>Views ({@link #transpose}, {@link #reshape} where possible, {@link #slice}, {@link #expand},
 * {@link #unsqueeze}, ...) share storage and copy nothing. Arithmetic broadcasts as in NumPy.
 * Every differentiable op records itself on the autograd graph when an input requires a
 * gradient and recording is on (see {@link GradMode#noGrad()}).
 */
public final class Tensor {
    static {
        // Every program that computes makes a tensor first: say what is missing before a kernel fails obscurely.
        VectorApi.require();
    }

    private final Storage storage;
    /**
     * The storage's owner count when this tensor was made: a {@link StorageArena} that hands the storage
     * to a new owner moves the count on, and this tensor, its previous owner's, may no longer be read.
     */
    private final int owner;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final Device device;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    private Node gradAccumulator;
    private boolean retainsGrad;

    /** A tensor over an existing storage; most code uses the factory methods instead. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this(storage, shape, strides, offset, Device.cpu());
    }

    /** A tensor over an existing storage on a given device. */
    public Tensor(Storage storage, int[] shape, int[] strides, int offset, Device device) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
        this.storage = storage;
        this.owner = storage.owners();
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
        this.device = device;
    }

    // ---------------------------------------------------------------- creation

    /** A new contiguous tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = shape.clone();
        return new Tensor(Storage.allocate(dtype, Shapes.numel(s)), s, Shapes.contiguousStrides(s), 0);
    }

    /** A new float32 tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /**
     * A new contiguous tensor whose every element the caller will overwrite: zero-filled when new, but
     * a recycled storage keeps what it held (see {@link StorageArena}).
     */
    public static Tensor empty(DType dtype, int... shape) {
        int[] s = shape.clone();
        return new Tensor(Storage.allocateUninitialized(dtype, Shapes.numel(s)), s, Shapes.contiguousStrides(s), 0);
    }

    /** A new float32 tensor of ones. */
    public static Tensor ones(int... shape) {
        return full(1, shape);
    }

    /** A new tensor of ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** A new float32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(DType.FLOAT32, value, shape);
    }

    /** A new tensor filled with {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (value != 0) {
            if (t.numel() == 1) {
                // The scalar operand of every scalar op: not worth a kernel launch.
                t.storage.setDouble(0, value);
            } else {
                Backends.of(t).fill(t, value);
            }
        }
        return t;
    }

    /** A 0-d float32 tensor. */
    public static Tensor scalar(double value) {
        return full(DType.FLOAT32, value);
    }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /** {@code [0, 1, ..., n-1]} as int64, like {@code torch.arange(n)}. */
    public static Tensor arange(int n) {
        return arange(DType.INT64, 0, n, 1);
    }

    /** {@code start, start+step, ...} below {@code end} (above, for a negative step). */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got "
                    + start + ", " + end + ", " + step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: " + count + " elements is more than a tensor can hold");
        }
        int n = (int) Math.max(0, count);
        Tensor t = zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            t.storage.setDouble(i, start + i * step);
        }
        return t;
    }

    /** The float32 identity matrix of size n. */
    public static Tensor eye(int n) {
        return eye(DType.FLOAT32, n);
    }

    /** The identity matrix of size n. */
    public static Tensor eye(DType dtype, int n) {
        Tensor t = zeros(dtype, n, n);
        for (int i = 0; i < n; i++) {
            t.storage.setDouble(i * n + i, 1);
        }
        return t;
    }

    /** Uniform samples in [0, 1) from {@code generator}. */
    public static Tensor rand(Generator generator, int... shape) {
        return rand(generator, DType.FLOAT32, shape);
    }

    /** Uniform samples in [0, 1) of the given floating dtype. */
    public static Tensor rand(Generator generator, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.storage.setDouble(i, generator.nextDouble());
        }
        return t;
    }

    /** Standard normal samples from {@code generator}. */
    public static Tensor randn(Generator generator, int... shape) {
        return randn(generator, DType.FLOAT32, shape);
    }

    /** Standard normal samples of the given floating dtype. */
    public static Tensor randn(Generator generator, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.storage.setDouble(i, generator.nextGaussian());
        }
        return t;
    }

    /** Uniform int64 samples in [low, high). */
    public static Tensor randint(Generator generator, int low, int high, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        }
        Tensor t = zeros(DType.INT64, shape);
        for (int i = 0; i < t.numel(); i++) {
            t.storage.setLong(i, low + generator.nextInt(high - low));
        }
        return t;
    }

    /** A float32 tensor over a copy of {@code data}, viewed with {@code shape} (the sizes must multiply to data.length). */
    public static Tensor of(float[] data, int... shape) {
        return wrap(Storage.wrap(data.clone()), data.length, shape);
    }

    /** A float64 tensor over a copy of {@code data}. */
    public static Tensor of(double[] data, int... shape) {
        return wrap(Storage.wrap(data.clone()), data.length, shape);
    }

    /** An int32 tensor over a copy of {@code data}. */
    public static Tensor of(int[] data, int... shape) {
        return wrap(Storage.wrap(data.clone()), data.length, shape);
    }

    /** An int64 tensor over a copy of {@code data}. */
    public static Tensor of(long[] data, int... shape) {
        return wrap(Storage.wrap(data.clone()), data.length, shape);
    }

    /** A 1-d float32 tensor of the given values. */
    public static Tensor vector(float... data) {
        return of(data, data.length);
    }

    /** A float32 matrix from rows of equal length. */
    public static Tensor of(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return wrap(Storage.wrap(flat), flat.length, rows.length, cols);
    }

    /** A float64 matrix from rows of equal length. */
    public static Tensor of(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return wrap(Storage.wrap(flat), flat.length, rows.length, cols);
    }

    private static Tensor wrap(Storage storage, int length, int... shape) {
        int[] s = shape.clone();
        if (Shapes.numel(s) != length) {
            throw new ShapeException("of: " + length + " values cannot be viewed as shape " + Shapes.str(s)
                    + " (" + Shapes.numel(s) + " elements)");
        }
        return new Tensor(storage, s, Shapes.contiguousStrides(s), 0);
    }

    // ---------------------------------------------------------------- layout

    /** The sizes of the dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The strides in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** The offset of element [0, ..., 0] in the storage. */
    public int offset() {
        return offset;
    }

    /** The size of dimension {@code d} (negative counts from the end). */
    public int size(int d) {
        return shape[Shapes.dim("size", d, shape.length)];
    }

    /** The stride of dimension {@code d}. */
    public int stride(int d) {
        return strides[Shapes.dim("stride", d, shape.length)];
    }

    /** The number of dimensions (0 for a scalar). */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return device;
    }

    /** The buffer behind this tensor; kernels index it with {@link #offset()} and {@link #strides()}. */
    public Storage storage() {
        if (owner != storage.owners()) {
            throw new IllegalStateException("a tensor of shape " + Shapes.str(shape) + " was read after its storage "
                    + "was recycled: a TrainingStep reuses the memory of every tensor it made once the next step "
                    + "starts (its output, the loss, the gradients, anything a module kept from its forward); "
                    + "copy() a tensor during its step to keep it longer");
        }
        return storage;
    }

    /** Whether the elements lie in row-major order without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1) {
                if (strides[d] != expected) {
                    return false;
                }
                expected *= shape[d];
            }
        }
        return true;
    }

    /** Whether this tensor has exactly the given shape. */
    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    // ---------------------------------------------------------------- element access

    /** The storage index of the element at {@code index}. */
    private int storageIndex(int... index) {
        if (index.length != shape.length) {
            throw new ShapeException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates but the tensor has shape " + Shapes.str(shape));
        }
        int p = offset;
        for (int d = 0; d < index.length; d++) {
            int i = index[d];
            if (i < -shape[d] || i >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + i + " is out of range for dimension " + d
                        + " of size " + shape[d] + " (shape " + Shapes.str(shape) + ")");
            }
            p += (i < 0 ? i + shape[d] : i) * strides[d];
        }
        return p;
    }

    /** The element at {@code index} as a double. */
    public double get(int... index) {
        return storage().getDouble(storageIndex(index));
    }

    /** The element at {@code index} as a long (exact for integer tensors). */
    public long getLong(int... index) {
        return storage().getLong(storageIndex(index));
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new ShapeException("item: only a one-element tensor has an item; shape is " + Shapes.str(shape));
        }
        return storage().getDouble(offset);
    }

    /** The elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        Tensor c = contiguousAs(DType.FLOAT32);
        return Arrays.copyOfRange(c.storage().floats(), c.offset, c.offset + c.numel());
    }

    /** The elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        Tensor c = contiguousAs(DType.FLOAT64);
        return Arrays.copyOfRange(c.storage().doubles(), c.offset, c.offset + c.numel());
    }

    /** The elements in row-major order, converted to int. */
    public int[] toIntArray() {
        Tensor c = contiguousAs(DType.INT32);
        return Arrays.copyOfRange(c.storage().ints(), c.offset, c.offset + c.numel());
    }

    /** The elements in row-major order, converted to long. */
    public long[] toLongArray() {
        Tensor c = contiguousAs(DType.INT64);
        return Arrays.copyOfRange(c.storage().longs(), c.offset, c.offset + c.numel());
    }

    private Tensor contiguousAs(DType dtype) {
        if (dtype() == dtype && isContiguous()) {
            return this;
        }
        Tensor out = zeros(dtype, shape);
        Backends.of(this).copy(this, out);
        return out;
    }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients flow to (leaf) or through (non-leaf) this tensor. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** Marks a leaf tensor as trainable (or not); returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor (produced by "
                    + gradFn.name() + "); call detach() to get a tensor outside the graph");
        }
        if (value && !dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad: only floating tensors can require gradients, this one is "
                    + dtype());
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf (or of a tensor that called {@link #retainGrad()}), or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new ShapeException("setGrad: gradient of shape " + Shapes.str(g.shape)
                    + " does not match tensor of shape " + Shapes.str(shape));
        }
        this.grad = g;
    }

    /** The node that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** Whether this tensor was created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Keeps this non-leaf tensor's gradient in {@link #grad()} during backward (a leaf keeps it anyway). */
    public Tensor retainGrad() {
        if (!requiresGrad()) {
            throw new IllegalStateException("retainGrad: this tensor of shape " + Shapes.str(shape)
                    + " does not require grad, so no gradient reaches it");
        }
        if (gradFn != null) {
            gradFn.retainGradOf(this);
        }
        this.retainsGrad = true;
        return this;
    }

    /** Whether backward should store this tensor's gradient. */
    public boolean retainsGrad() {
        return retainsGrad;
    }

    /** Records the node that produced this tensor; called by ops, not users. */
    public void setGradFn(Node node) {
        this.gradFn = node;
    }

    /** The node that accumulates this leaf's gradient (created once, like PyTorch's AccumulateGrad). */
    public Node gradAccumulator() {
        if (gradAccumulator == null) {
            gradAccumulator = Autograd.accumulatorFor(this);
        }
        return gradAccumulator;
    }

    /** Back-propagates from this scalar tensor (gradient 1). */
    public void backward() {
        Autograd.backward(this, null, false, false);
    }

    /** Back-propagates {@code gradOutput} (same shape as this tensor). */
    public void backward(Tensor gradOutput) {
        Autograd.backward(this, gradOutput, false, false);
    }

    /**
     * Back-propagates, keeping the graph for another backward ({@code retainGraph}) or recording
     * the backward itself so gradients can be differentiated again ({@code createGraph}).
     */
    public void backward(Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradOutput, retainGraph, createGraph);
    }

    /** A tensor sharing this one's storage but outside the graph. */
    public Tensor detach() {
        return new Tensor(storage(), shape, strides, offset, device);
    }

    // ---------------------------------------------------------------- in-place writes (optimizers, loading)

    /** Copies {@code src}'s values into this tensor (same shape; dtype converted); returns this. */
    public Tensor copyFrom(Tensor src) {
        if (!Arrays.equals(src.shape, shape)) {
            throw new ShapeException("copyFrom: source of shape " + Shapes.str(src.shape)
                    + " does not match destination of shape " + Shapes.str(shape));
        }
        checkInPlace("copyFrom");
        Backends.of(this).copy(src, this);
        storage().bumpVersion();
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(double value) {
        checkInPlace("fill");
        Backends.of(this).fill(this, value);
        storage().bumpVersion();
        return this;
    }

    /** Zeros this tensor in place; returns this. */
    public Tensor zero() {
        return fill(0);
    }

    private void checkInPlace(String op) {
        if (!GradMode.isEnabled()) {
            return;
        }
        if (requiresGrad && gradFn == null) {
            throw new IllegalStateException(op + ": a leaf tensor that requires grad cannot be modified in place "
                    + "while gradients are recorded; wrap the update in GradMode.noGrad()");
        }
        if (gradFn != null) {
            // Kiln does not record in-place writes, so gradients through this tensor would silently be wrong.
            throw new IllegalStateException(op + ": a tensor of shape " + Shapes.str(shape) + " produced by "
                    + gradFn + " is part of the autograd graph and cannot be modified in place while gradients "
                    + "are recorded; write into a detach()ed copy, or wrap the write in GradMode.noGrad()");
        }
    }

    // ---------------------------------------------------------------- conversion and devices

    /** This tensor in another dtype (this tensor when it already is). */
    public Tensor to(DType dtype) {
        return dtype == dtype() ? this : Ops.cast(this, dtype);
    }

    /** This tensor on another device (this tensor when it already is there). */
    public Tensor to(Device target) {
        if (target.equals(device)) {
            return this;
        }
        return Backends.transfer(this, target);
    }

    /** A contiguous tensor with these values: this one when already contiguous. */
    public Tensor contiguous() {
        return isContiguous() ? this : Ops.contiguous(this);
    }

    /**
     * A contiguous copy outside the graph, in new memory that no {@link StorageArena} recycles: what a
     * module keeps from one training step for the next.
     */
    public Tensor copy() {
        Tensor out = new Tensor(Storage.allocateNew(dtype(), numel()), shape, Shapes.contiguousStrides(shape), 0);
        Backends.of(this).copy(this, out);
        return out;
    }

    // ---------------------------------------------------------------- views

    /** Same values, new shape (one size may be -1); a view when the strides allow, a copy otherwise. */
    public Tensor reshape(int... newShape) {
        return Ops.reshape(this, newShape);
    }

    /** Same as {@link #reshape}, but fails instead of copying. */
    public Tensor view(int... newShape) {
        return Ops.view(this, newShape);
    }

    /** Dimensions {@code start..end} merged into one. */
    public Tensor flatten(int start, int end) {
        return Ops.flatten(this, start, end);
    }

    /** Everything flattened to one dimension. */
    public Tensor flatten() {
        return Ops.flatten(this, 0, -1);
    }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int d0, int d1) {
        return Ops.transpose(this, d0, d1);
    }

    /** The transpose of a matrix (a view). */
    public Tensor t() {
        if (dim() != 2) {
            throw new ShapeException("t: expects a 2-d tensor, got shape " + Shapes.str(shape)
                    + "; use transpose(d0, d1) or permute");
        }
        return transpose(0, 1);
    }

    /** Reorders the dimensions (a view). */
    public Tensor permute(int... order) {
        return Ops.permute(this, order);
    }

    /** Repeats size-1 dimensions (and prepends new ones) without copying; -1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Ops.expand(this, newShape);
    }

    /** NumPy-style broadcast to {@code newShape} (a view). */
    public Tensor broadcastTo(int... newShape) {
        return Ops.expand(this, newShape);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code dim} (a view; negative bounds count from the end). */
    public Tensor slice(int dim, int start, int end, int step) {
        return Ops.slice(this, dim, start, end, step);
    }

    /** Elements {@code start..end-1} along {@code dim} (a view). */
    public Tensor slice(int dim, int start, int end) {
        return Ops.slice(this, dim, start, end, 1);
    }

    /** Index {@code index} of dimension {@code dim}, which disappears (a view). */
    public Tensor select(int dim, int index) {
        return Ops.select(this, dim, index);
    }

    /** A new size-1 dimension at {@code dim} (a view). */
    public Tensor unsqueeze(int dim) {
        return Ops.unsqueeze(this, dim);
    }

    /** Removes every size-1 dimension (a view). */
    public Tensor squeeze() {
        return Ops.squeeze(this);
    }

    /** Removes dimension {@code dim} if it has size 1 (a view). */
    public Tensor squeeze(int dim) {
        return Ops.squeeze(this, dim);
    }

    // ---------------------------------------------------------------- arithmetic

    public Tensor add(Tensor other) {
        return Ops.add(this, other);
    }

    public Tensor add(double s) {
        return Ops.add(this, s);
    }

    public Tensor sub(Tensor other) {
        return Ops.sub(this, other);
    }

    public Tensor sub(double s) {
        return Ops.sub(this, s);
    }

    public Tensor mul(Tensor other) {
        return Ops.mul(this, other);
    }

    public Tensor mul(double s) {
        return Ops.mul(this, s);
    }

    public Tensor div(Tensor other) {
        return Ops.div(this, other);
    }

    public Tensor div(double s) {
        return Ops.div(this, s);
    }

    public Tensor pow(double exponent) {
        return Ops.pow(this, exponent);
    }

    public Tensor pow(Tensor exponent) {
        return Ops.pow(this, exponent);
    }

    public Tensor neg() {
        return Ops.neg(this);
    }

    public Tensor exp() {
        return Ops.exp(this);
    }

    public Tensor log() {
        return Ops.log(this);
    }

    public Tensor sqrt() {
        return Ops.sqrt(this);
    }

    public Tensor abs() {
        return Ops.abs(this);
    }

    public Tensor square() {
        return Ops.square(this);
    }

    /** Every element limited to [min, max]; pass an infinity for a one-sided bound. */
    public Tensor clamp(double min, double max) {
        return Ops.clamp(this, min, max);
    }

    /** Element-wise maximum with broadcasting. */
    public Tensor maximum(Tensor other) {
        return Ops.maximum(this, other);
    }

    /** Element-wise minimum with broadcasting. */
    public Tensor minimum(Tensor other) {
        return Ops.minimum(this, other);
    }

    /** Matrix product with NumPy's matmul rules (1-d operands, broadcast batch dimensions). */
    public Tensor matmul(Tensor other) {
        return Ops.matmul(this, other);
    }

    public Tensor relu() {
        return Ops.relu(this);
    }

    public Tensor sigmoid() {
        return Ops.sigmoid(this);
    }

    public Tensor tanh() {
        return Ops.tanh(this);
    }

    public Tensor gelu() {
        return Ops.gelu(this);
    }

    public Tensor softmax(int dim) {
        return Ops.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return Ops.logSoftmax(this, dim);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements (0-d). */
    public Tensor sum() {
        return Ops.sum(this, new int[0], false);
    }

    /** The sum over {@code dim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return Ops.sum(this, new int[] {dim}, keepDim);
    }

    /** The sum over several dimensions. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Ops.sum(this, dims, keepDim);
    }

    /** The mean of all elements (0-d). */
    public Tensor mean() {
        return Ops.mean(this, new int[0], false);
    }

    /** The mean over {@code dim}. */
    public Tensor mean(int dim, boolean keepDim) {
        return Ops.mean(this, new int[] {dim}, keepDim);
    }

    /** The mean over several dimensions. */
    public Tensor mean(int[] dims, boolean keepDim) {
        return Ops.mean(this, dims, keepDim);
    }

    /** The largest element (0-d). */
    public Tensor max() {
        return Ops.max(this, new int[0], false);
    }

    /** The largest element along {@code dim}. */
    public Tensor max(int dim, boolean keepDim) {
        return Ops.max(this, new int[] {dim}, keepDim);
    }

    /** The smallest element (0-d). */
    public Tensor min() {
        return Ops.min(this, new int[0], false);
    }

    /** The smallest element along {@code dim}. */
    public Tensor min(int dim, boolean keepDim) {
        return Ops.min(this, new int[] {dim}, keepDim);
    }

    /** log(sum(exp(x))) along {@code dim}, computed stably. */
    public Tensor logsumexp(int dim, boolean keepDim) {
        return Ops.logsumexp(this, new int[] {dim}, keepDim);
    }

    /** The index (int64) of the largest element along {@code dim}. */
    public Tensor argmax(int dim, boolean keepDim) {
        return Ops.argmax(this, dim, keepDim);
    }

    /** The index (int64) of the smallest element along {@code dim}. */
    public Tensor argmin(int dim, boolean keepDim) {
        return Ops.argmin(this, dim, keepDim);
    }

    // ---------------------------------------------------------------- comparisons and indexing

    /** 1 where equal, 0 elsewhere, in the promoted dtype. */
    public Tensor eq(Tensor other) {
        return Ops.eq(this, other);
    }

    /** 1 where this &gt; other. */
    public Tensor gt(Tensor other) {
        return Ops.gt(this, other);
    }

    /** 1 where this &lt; other. */
    public Tensor lt(Tensor other) {
        return Ops.lt(this, other);
    }

    /** 1 where not equal. */
    public Tensor ne(Tensor other) {
        return Ops.ne(this, other);
    }

    /** 1 where this &gt;= other. */
    public Tensor ge(Tensor other) {
        return Ops.ge(this, other);
    }

    /** 1 where this &lt;= other. */
    public Tensor le(Tensor other) {
        return Ops.le(this, other);
    }

    /** 1 where equal to s. */
    public Tensor eq(double s) {
        return Ops.eq(this, s);
    }

    /** 1 where not equal to s. */
    public Tensor ne(double s) {
        return Ops.ne(this, s);
    }

    /** 1 where this &gt; s (an integer tensor compared with a fractional s is compared as float). */
    public Tensor gt(double s) {
        return Ops.gt(this, s);
    }

    /** 1 where this &gt;= s. */
    public Tensor ge(double s) {
        return Ops.ge(this, s);
    }

    /** 1 where this &lt; s. */
    public Tensor lt(double s) {
        return Ops.lt(this, s);
    }

    /** 1 where this &lt;= s. */
    public Tensor le(double s) {
        return Ops.le(this, s);
    }

    /** Values picked along {@code dim} by an integer index tensor of the same rank. */
    public Tensor gather(int dim, Tensor index) {
        return Ops.gather(this, dim, index);
    }

    /** Slices of dimension {@code dim} picked by a 1-d integer index tensor. */
    public Tensor indexSelect(int dim, Tensor index) {
        return Ops.indexSelect(this, dim, index);
    }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }
}
