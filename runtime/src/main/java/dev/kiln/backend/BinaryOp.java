package dev.kiln.backend;

/**
 * The element-wise functions of two arguments that every backend implements. Comparisons give
 * 1 or 0 in the result's dtype. {@code PASS_IF_POSITIVE} is {@code a > 0 ? b : 0}: ReLU's backward
 * (a is the output, b the gradient) in one pass instead of a comparison and a multiplication.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE, PASS_IF_POSITIVE;

    /** Whether the result is a 0/1 mask rather than a value. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal() && this != PASS_IF_POSITIVE;
    }
}
