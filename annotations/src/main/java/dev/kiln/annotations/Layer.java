package dev.kiln.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field that holds child modules of a {@code dev.kiln.nn.Module}.
 *
 * <p>The field's type is one of:
 * <ul>
 *   <li>a {@code Module} subtype (or a type variable bounded by one): the child is named after the
 *       field, so {@code @Layer Linear fc1} contributes {@code fc1.weight}, {@code fc1.bias};</li>
 *   <li>a {@code List<? extends Module>} or an array of modules: element {@code i} is named
 *       {@code field.i}, like PyTorch's {@code nn.ModuleList} ({@code blocks.0.fc.weight});</li>
 *   <li>a {@code Map<String, ? extends Module>}: each entry is named {@code field.key} in the map's
 *       iteration order, like {@code nn.ModuleDict} (use a {@code LinkedHashMap} or {@code TreeMap}).</li>
 * </ul>
 * A null field, element or value is skipped (the indices of the others do not change).
 *
 * <p>The field must not be private or static: the generated {@code Foo_Module} beside the class
 * reads it directly. It may be final: Kiln never reassigns a layer field.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Layer {
    /**
     * For a list, array or map: register the elements as this module's own children, named
     * {@code 0}, {@code 1}, ... (or by key) without the field's name, as PyTorch's
     * {@code nn.Sequential} and {@code nn.ModuleList} do ({@code 0.weight}, not
     * {@code layers.0.weight}); {@code toString()} prints them directly, not in a
     * {@code ModuleList(...)}. At most one field of a class (superclasses included) may be inline;
     * a single module cannot be.
     */
    boolean inline() default false;
}
