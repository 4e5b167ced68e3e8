package dev.kiln.backend;

/**
 * The element-wise functions of two arguments that every backend implements. Comparisons give
 * 1 or 0 in the result's dtype.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE;

    /** Whether the result is a 0/1 mask rather than a value. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
