package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

/**
 * Checks the untyped arguments of {@link Module#apply} and {@link Module#call} against a module's
 * {@code @Forward} signature; called by generated {@code Foo_Module.invokeForward} code.
 *
 * <p>Every failure is an {@link IllegalArgumentException} that names the signature, the argument's
 * position (from 1) and what was passed, e.g.
 * {@code Mlp.forward(Tensor): expects 1 argument, got 2}.
 */
public final class ModuleArgs {
    private ModuleArgs() {}

    /** Checks that there are exactly {@code count} arguments. */
    public static void checkCount(Object[] args, int count, String signature) {
        int n = args == null ? 0 : args.length;
        if (n != count) {
            throw new IllegalArgumentException(signature + ": expects " + count + " argument"
                    + (count == 1 ? "" : "s") + ", got " + n);
        }
    }

    /** Checks that there are at least {@code count} arguments (a signature that ends in {@code Tensor...}). */
    public static void checkAtLeast(Object[] args, int count, String signature) {
        int n = args == null ? 0 : args.length;
        if (n < count) {
            throw new IllegalArgumentException(signature + ": expects at least " + count + " argument"
                    + (count == 1 ? "" : "s") + ", got " + n);
        }
    }

    /** Argument {@code i} as a non-null tensor. */
    public static Tensor tensor(Object[] args, int i, String signature) {
        Object value = args[i];
        if (value instanceof Tensor t) {
            return t;
        }
        throw wrongType(signature, i, "a Tensor", value);
    }

    /** Arguments {@code from} to the end as tensors, for a trailing {@code Tensor...} parameter. */
    public static Tensor[] tensors(Object[] args, int from, String signature) {
        Tensor[] out = new Tensor[args.length - from];
        for (int i = from; i < args.length; i++) {
            out[i - from] = tensor(args, i, signature);
        }
        return out;
    }

    /** Argument {@code i} as a {@code type} (a box or String), which may be null. */
    public static <T> T arg(Object[] args, int i, Class<T> type, String signature) {
        Object value = args[i];
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        throw wrongType(signature, i, "a " + type.getSimpleName(), value);
    }

    /** Argument {@code i} as an {@code int}. */
    public static int intArg(Object[] args, int i, String signature) {
        return primitive(args, i, Integer.class, "an int", signature);
    }

    /** Argument {@code i} as a {@code long} (an Integer is widened). */
    public static long longArg(Object[] args, int i, String signature) {
        if (args[i] instanceof Integer v) {
            return v;
        }
        return primitive(args, i, Long.class, "a long", signature);
    }

    /** Argument {@code i} as a {@code float} (any number is converted, as a literal would be). */
    public static float floatArg(Object[] args, int i, String signature) {
        return primitive(args, i, Number.class, "a float", signature).floatValue();
    }

    /** Argument {@code i} as a {@code double} (any number is converted). */
    public static double doubleArg(Object[] args, int i, String signature) {
        return primitive(args, i, Number.class, "a double", signature).doubleValue();
    }

    /** Argument {@code i} as a {@code boolean}. */
    public static boolean booleanArg(Object[] args, int i, String signature) {
        return primitive(args, i, Boolean.class, "a boolean", signature);
    }

    /** Argument {@code i} as a {@code short}. */
    public static short shortArg(Object[] args, int i, String signature) {
        return primitive(args, i, Short.class, "a short", signature);
    }

    /** Argument {@code i} as a {@code byte}. */
    public static byte byteArg(Object[] args, int i, String signature) {
        return primitive(args, i, Byte.class, "a byte", signature);
    }

    /** Argument {@code i} as a {@code char}. */
    public static char charArg(Object[] args, int i, String signature) {
        return primitive(args, i, Character.class, "a char", signature);
    }

    /** The error for a module class that has no {@code @Forward} method, to be thrown by the caller. */
    public static IllegalStateException noForward(Module module) {
        String name = module.getClass().getName();
        return new IllegalStateException(name + " has no @Forward method, so it cannot be applied: annotate the "
                + "method that computes its output with @dev.kiln.annotations.Forward");
    }

    private static <T> T primitive(Object[] args, int i, Class<T> box, String what, String signature) {
        Object value = args[i];
        if (box.isInstance(value)) {
            return box.cast(value);
        }
        throw wrongType(signature, i, what, value);
    }

    private static IllegalArgumentException wrongType(String signature, int i, String expected, Object value) {
        String got = value == null ? "null" : value.getClass().getSimpleName();
        return new IllegalArgumentException(signature + ": argument " + (i + 1) + " must be " + expected
                + ", got " + got);
    }
}
