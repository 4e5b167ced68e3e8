package dev.kiln.io;

import dev.kiln.tensor.DType;

/**
 * The element types of the safetensors format that Kiln reads, each with its size and the Kiln
 * dtype it is loaded as: the four Kiln dtypes exactly, and the narrower PyTorch types widened
 * (F16 and BF16 to float32, BOOL and the 8/16-bit integers to int32).
 */
enum SafeTensorsDType {
    F32(4, DType.FLOAT32),
    F64(8, DType.FLOAT64),
    I32(4, DType.INT32),
    I64(8, DType.INT64),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    BOOL(1, DType.INT32),
    U8(1, DType.INT32),
    I8(1, DType.INT32),
    I16(2, DType.INT32),
    U16(2, DType.INT32);

    /** Types of the format that Kiln recognises but cannot hold without losing values. */
    static final String UNSUPPORTED = "U32, U64, F8_E4M3, F8_E5M2";

    final int byteSize;
    final DType loadedAs;

    SafeTensorsDType(int byteSize, DType loadedAs) {
        this.byteSize = byteSize;
        this.loadedAs = loadedAs;
    }

    /** The format's type for a Kiln dtype. */
    static SafeTensorsDType of(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
            case INT32 -> I32;
            case INT64 -> I64;
        };
    }

    /** The type named {@code name} in a header, or null. */
    static SafeTensorsDType named(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
