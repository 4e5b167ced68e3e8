package dev.kiln.nn;

import dev.kiln.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Module#loadStateDict(java.util.Map, boolean)} found: the module's keys the state dict
 * lacked, the state dict's keys the module does not have, and keys whose shapes differ (those are
 * not loaded). All three are empty after a clean load.
 *
 * @param missingKeys keys of the module absent from the state dict, in the module's order
 * @param unexpectedKeys keys of the state dict the module does not have, in the state dict's order
 * @param wrongShapes keys present on both sides with different shapes, in the module's order
 */
public record StateDictResult(List<String> missingKeys, List<String> unexpectedKeys, List<ShapeMismatch> wrongShapes) {

    /** Copies the lists, which are then unmodifiable. */
    public StateDictResult {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
        wrongShapes = List.copyOf(wrongShapes);
    }

    /**
     * A key whose tensor in the state dict has another shape than the module's.
     *
     * @param key the dotted key
     * @param expected the module's shape
     * @param actual the state dict's shape
     */
    public record ShapeMismatch(String key, List<Integer> expected, List<Integer> actual) {
        /** Copies the shapes, which are then unmodifiable. */
        public ShapeMismatch {
            expected = List.copyOf(expected);
            actual = List.copyOf(actual);
        }

        static ShapeMismatch of(String key, int[] expected, int[] actual) {
            return new ShapeMismatch(key, boxed(expected), boxed(actual));
        }

        private static List<Integer> boxed(int[] shape) {
            List<Integer> out = new ArrayList<>(shape.length);
            for (int s : shape) {
                out.add(s);
            }
            return out;
        }

        @Override
        public String toString() {
            return key + ": the module has shape " + shapeString(expected) + ", the state dict "
                    + shapeString(actual);
        }

        private static String shapeString(List<Integer> shape) {
            int[] s = new int[shape.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i);
            }
            return Shapes.str(s);
        }
    }

    /** Whether every key matched: nothing missing, unexpected or of the wrong shape. */
    public boolean isClean() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && wrongShapes.isEmpty();
    }

    /** One readable paragraph that lists every problem, or "all keys matched". */
    public String describe(String moduleName) {
        if (isClean()) {
            return "all keys matched";
        }
        StringBuilder sb = new StringBuilder("Error(s) loading the state dict of ").append(moduleName).append(':');
        if (!missingKeys.isEmpty()) {
            sb.append("\n  missing keys (in the module, not in the state dict): ").append(String.join(", ", missingKeys));
        }
        if (!unexpectedKeys.isEmpty()) {
            sb.append("\n  unexpected keys (in the state dict, not in the module): ")
                    .append(String.join(", ", unexpectedKeys));
        }
        for (ShapeMismatch m : wrongShapes) {
            sb.append("\n  wrong shape for ").append(m);
        }
        return sb.toString();
    }
}
