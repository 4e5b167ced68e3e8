package dev.kiln.backend;

/** The reductions every backend implements over any set of dimensions. */
public enum ReduceOp {
    SUM, MAX, MIN
}
