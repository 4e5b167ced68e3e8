package dev.kiln.io;

/** Converts IEEE 754 half-precision (binary16) bits to float; Float.float16ToFloat arrived only in JDK 20. */
final class HalfFloats {
    private HalfFloats() {}

    /** The float with the value of the half-precision number whose bits are {@code h}. */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            // Infinity or NaN: keep the payload in the top mantissa bits.
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: the value is mantissa * 2^-24 exactly.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
