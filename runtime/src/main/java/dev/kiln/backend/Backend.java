package dev.kiln.backend;

import dev.kiln.tensor.Tensor;

/**
 * The small, closed set of primitives a device implements (STYLE.md 9). Strides, views and
 * broadcasting live once in {@link Tensor}: a primitive receives operands already expanded to
 * the output's shape (broadcast dimensions have stride 0) and writes a contiguous output
 * allocated by the caller. Every op in {@code dev.kiln.ops} is a composition of these.
 */
public interface Backend {
    /** Sets every element of {@code out} (any layout) to {@code value}. */
    void fill(Tensor out, double value);

    /** Copies {@code src} into {@code dst} element by element (same shape, any layouts, converting dtype). */
    void copy(Tensor src, Tensor dst);

    /** {@code out = op(x)}; x has out's shape. */
    void unary(UnaryOp op, Tensor x, Tensor out);

    /** {@code out = op(a, b)}; a and b have out's shape (broadcast dimensions have stride 0). */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** {@code out = cond != 0 ? a : b}; all three have out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** Reduces {@code x} over the dimensions where {@code reduced} is true; out has x's rank with those sizes 1. */
    void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out);

    /** Index of the largest ({@code max}) or smallest element along {@code dim}; out (int64) has x's rank with size 1 there. */
    void argReduce(boolean max, Tensor x, int dim, Tensor out);

    /** Batched matrix product: a is [B, m, k], b is [B, k, n] (any strides), out is contiguous [B, m, n]. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** {@code out[..., i, ...] = x[..., index[..., i, ...], ...]} along {@code dim}; index (integer) has out's shape. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** {@code out[..., index[..., i, ...], ...] += src[..., i, ...]} along {@code dim}; the inverse of gather. */
    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src);
}
