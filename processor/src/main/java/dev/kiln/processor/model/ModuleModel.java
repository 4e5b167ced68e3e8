package dev.kiln.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * An immutable description of one module class: everything the writers need, built once by
 * {@link ModuleModelFactory} from a class that passed validation.
 *
 * @param element the module class: the originating element of every file generated for it
 * @param moduleClass the class's name ({@code Outer.Inner})
 * @param moduleType the type the structure is declared for: the class, with {@code <?>} for each
 *     type parameter ({@code Residual<?>})
 * @param structureClass the generated class ({@code Outer_Inner_Module}), in the same package
 * @param superStructure the generated class of the nearest superclass with Kiln annotations, whose
 *     members come first
 * @param members the class's own annotated fields, in declaration order
 * @param forward where its {@code @Forward} method is
 */
public record ModuleModel(
        TypeElement element,
        ClassName moduleClass,
        TypeName moduleType,
        ClassName structureClass,
        Optional<ClassName> superStructure,
        List<MemberModel> members,
        ForwardModel forward) {

    /** Copies the member list. */
    public ModuleModel {
        members = List.copyOf(members);
    }
}
