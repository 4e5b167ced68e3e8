package dev.kiln.processor.model;

/**
 * A {@code @Layer} field.
 *
 * @param name the field name
 * @param shape how the field holds its modules
 * @param inline whether a container's elements are named without the field name
 *     ({@code @Layer(inline = true)})
 */
public record LayerMember(String name, LayerShape shape, boolean inline) implements MemberModel {

    /** How a {@code @Layer} field holds modules. */
    public enum LayerShape {
        /** One module (a {@code Module} subtype or a type variable bounded by one). */
        SINGLE,
        /** A {@code List<? extends Module>}: elements named by index. */
        LIST,
        /** An array of modules: elements named by index. */
        ARRAY,
        /** A {@code Map<String, ? extends Module>}: entries named by key, in the map's order. */
        MAP
    }
}
