package dev.kiln.nn;

/**
 * Thrown by a strict {@link Module#loadStateDict(java.util.Map)} when any key is missing, unexpected
 * or of the wrong shape. Its message lists every such key; {@link #result()} holds them as lists.
 * Nothing was loaded when it is thrown.
 */
public final class StateDictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient StateDictResult result;

    /** An exception describing {@code result} for the module called {@code moduleName}. */
    public StateDictException(String moduleName, StateDictResult result) {
        super(result.describe(moduleName));
        this.result = result;
    }

    /** The missing, unexpected and wrong-shape keys. */
    public StateDictResult result() {
        return result;
    }
}
