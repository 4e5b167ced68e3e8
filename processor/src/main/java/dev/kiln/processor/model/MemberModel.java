package dev.kiln.processor.model;

/**
 * One annotated field of a module class, as the generated code sees it. Its {@link #name()} is the
 * field name, which is also its segment of the dotted state-dict key.
 */
public sealed interface MemberModel permits TensorMember, LayerMember {
    /** The field name. */
    String name();
}
