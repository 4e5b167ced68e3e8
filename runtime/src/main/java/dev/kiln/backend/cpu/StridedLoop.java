package dev.kiln.backend.cpu;

import dev.kiln.tensor.Tensor;

/**
 * Walks an n-d index space row by row for several operands with their own strides: dimensions
 * that are contiguous with each other in every operand are merged first, so a kernel's inner loop
 * runs over the longest possible row with fixed strides. Rows can be split across threads.
 */
final class StridedLoop {
    /** Receives the storage offset of each operand at the start of a row. */
    @FunctionalInterface
    interface RowBody {
        void row(int[] offsets);
    }

    /**
     * Receives a piece of one row: the operands' offsets at the start of the row, and the piece's
     * first element ({@code from}, counted from the row's start) and length. A kernel reads operand
     * k at {@code offsets[k] + (from + i) * innerStride(k)}.
     */
    @FunctionalInterface
    interface SegmentBody {
        void run(int[] offsets, int from, int count);
    }

    private final int[] shape;
    private final int[][] strides;
    private final int[] base;
    private final int rows;

    private StridedLoop(int[] shape, int[][] strides, int[] base) {
        this.shape = shape;
        this.strides = strides;
        this.base = base;
        int r = 1;
        for (int d = 0; d < shape.length - 1; d++) {
            r *= shape[d];
        }
        this.rows = shape.length == 0 ? 1 : r;
    }

    /** A loop over {@code shape} for operands that all have that shape (broadcast ones with stride 0). */
    static StridedLoop over(int[] shape, Tensor... operands) {
        int k = operands.length;
        int[][] st = new int[k][];
        int[] base = new int[k];
        for (int i = 0; i < k; i++) {
            st[i] = operands[i].strides();
            base[i] = operands[i].offset();
        }
        return coalesce(shape, st, base);
    }

    private static StridedLoop coalesce(int[] shape, int[][] strides, int[] base) {
        int k = strides.length;
        int[] ns = new int[Math.max(shape.length, 1)];
        int[][] nst = new int[k][ns.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (n > 0 && mergeable(nst, strides, n - 1, d, shape[d], k)) {
                ns[n - 1] *= shape[d];
                for (int i = 0; i < k; i++) {
                    nst[i][n - 1] = strides[i][d];
                }
                continue;
            }
            ns[n] = shape[d];
            for (int i = 0; i < k; i++) {
                nst[i][n] = strides[i][d];
            }
            n++;
        }
        if (n == 0) {
            ns[0] = 1;
            for (int i = 0; i < k; i++) {
                nst[i][0] = 1;
            }
            n = 1;
        }
        int[] fs = java.util.Arrays.copyOf(ns, n);
        int[][] fst = new int[k][];
        for (int i = 0; i < k; i++) {
            fst[i] = java.util.Arrays.copyOf(nst[i], n);
        }
        return new StridedLoop(fs, fst, base);
    }

    /** Whether the previous kept dimension can absorb dimension d in every operand. */
    private static boolean mergeable(int[][] kept, int[][] strides, int prev, int d, int size, int k) {
        for (int i = 0; i < k; i++) {
            if (kept[i][prev] != strides[i][d] * size) {
                return false;
            }
        }
        return true;
    }

    int rows() {
        return rows;
    }

    int rowLength() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** The stride of operand {@code i} along a row. */
    int innerStride(int i) {
        return strides[i][shape.length - 1];
    }

    void forEachRow(RowBody body) {
        forRows(0, rows, body);
    }

    /** The number of elements visited: rows() * rowLength(). */
    int size() {
        return rows * rowLength();
    }

    /** Visits rows [start, end) in order. */
    void forRows(int start, int end, RowBody body) {
        if (start >= end || rowLength() == 0) {
            return;
        }
        int[] counter = new int[Math.max(shape.length - 1, 0)];
        int[] offsets = positionAt(start, counter);
        for (int r = start; r < end; r++) {
            body.row(offsets);
            nextRow(counter, offsets);
        }
    }

    /**
     * Visits elements [start, end) of the row-major order as pieces of rows, so that one long row
     * can be shared between threads.
     */
    void forSegments(int start, int end, SegmentBody body) {
        int n = rowLength();
        if (start >= end || n == 0) {
            return;
        }
        int[] counter = new int[Math.max(shape.length - 1, 0)];
        int[] offsets = positionAt(start / n, counter);
        int from = start % n;
        int remaining = end - start;
        while (remaining > 0) {
            int count = Math.min(n - from, remaining);
            body.run(offsets, from, count);
            remaining -= count;
            from = 0;
            if (remaining > 0) {
                nextRow(counter, offsets);
            }
        }
    }

    /** The operands' offsets at the start of row {@code row}, with {@code counter} set to its coordinates. */
    private int[] positionAt(int row, int[] counter) {
        int outer = shape.length - 1;
        int rem = row;
        for (int d = outer - 1; d >= 0; d--) {
            counter[d] = rem % shape[d];
            rem /= shape[d];
        }
        int[] offsets = new int[base.length];
        for (int i = 0; i < base.length; i++) {
            int off = base[i];
            for (int d = 0; d < outer; d++) {
                off += counter[d] * strides[i][d];
            }
            offsets[i] = off;
        }
        return offsets;
    }

    private void nextRow(int[] counter, int[] offsets) {
        int k = base.length;
        for (int d = shape.length - 2; d >= 0; d--) {
            counter[d]++;
            if (counter[d] < shape[d]) {
                for (int i = 0; i < k; i++) {
                    offsets[i] += strides[i][d];
                }
                return;
            }
            counter[d] = 0;
            for (int i = 0; i < k; i++) {
                offsets[i] -= strides[i][d] * (shape[d] - 1);
            }
        }
    }
}
