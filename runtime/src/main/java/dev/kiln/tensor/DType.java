package dev.kiln.tensor;

/** The element types a tensor can hold: floating types for values and gradients, integer types for labels and indices. */
public enum DType {
    FLOAT32(4, "F32", true),
    FLOAT64(8, "F64", true),
    INT32(4, "I32", false),
    INT64(8, "I64", false);

    private final int byteSize;
    private final String safetensorsName;
    private final boolean floating;

    DType(int byteSize, String safetensorsName, boolean floating) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype's name in the safetensors format ({@code F32}, {@code I64}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Whether values of this type can carry gradients. */
    public boolean isFloating() {
        return floating;
    }

    /** The type two operands are computed in: floating beats integer, wider beats narrower (as in NumPy). */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.floating != b.floating) {
            return a.floating ? a : b;
        }
        return a.byteSize >= b.byteSize ? a : b;
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
