package dev.kiln.backend;

/** The element-wise functions of one argument that every backend implements. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, SIGMOID, TANH, GELU, ERF, RECIPROCAL, SQUARE
}
