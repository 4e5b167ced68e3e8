package dev.kiln.processor.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Private constants are repeated in generated code as literals that mean the same value. */
class ConstantLiteralTest {

    @Test
    void numbersKeepTheirTypeAndSpecialValuesTheirName() {
        assertEquals("2", ForwardReader.constant(2));
        assertEquals("2L", ForwardReader.constant(2L));
        assertEquals("1.0E-5", ForwardReader.constant(1e-5));
        assertEquals("0.5f", ForwardReader.constant(0.5f));
        assertEquals("(short) 3", ForwardReader.constant((short) 3));
        assertEquals("(byte) -1", ForwardReader.constant((byte) -1));
        assertEquals("Double.NaN", ForwardReader.constant(Double.NaN));
        assertEquals("Double.NEGATIVE_INFINITY", ForwardReader.constant(Double.NEGATIVE_INFINITY));
        assertEquals("Float.POSITIVE_INFINITY", ForwardReader.constant(Float.POSITIVE_INFINITY));
        assertEquals("true", ForwardReader.constant(true));
    }

    @Test
    void stringsAndCharactersAreEscaped() {
        assertEquals("\"a \\\"b\\\" \\\\ c\\n\"", ForwardReader.constant("a \"b\" \\ c\n"));
        assertEquals("'\\''", ForwardReader.constant('\''));
        assertEquals("'\"'", ForwardReader.constant('"'));
        assertEquals("\"\\u00e9\\t\"", ForwardReader.constant("\u00e9\t"));
    }
}
