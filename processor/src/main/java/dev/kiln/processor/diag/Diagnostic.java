package dev.kiln.processor.diag;

import java.util.Locale;
import javax.tools.Diagnostic.Kind;

/**
 * Every message the Kiln processor prints, in one catalogue. Each has a stable tag
 * ({@code [KLN101]}) that users can search for and tests assert on, and a sentence that says what
 * is wrong and what to do.
 *
 * <p>Tags are grouped: {@code KLN1xx} annotated fields, {@code KLN2xx} module classes,
 * {@code KLN3xx} {@code @Forward} methods, {@code KLN4xx} compiling {@code @Forward} bodies, {@code KLN9xx} the processor itself. A tag is never
 * reused for another meaning.
 */
public enum Diagnostic {
    // ------------------------------------------------------------------ fields

    /** Args: annotation, field, generated class. */
    FIELD_PRIVATE("KLN101", "@%s field '%s' may not be private: %s reads it directly; make it package-private"),
    /** Args: annotation, field. */
    FIELD_STATIC("KLN102", "@%s field '%s' may not be static: parameters, buffers and layers belong to each module "
            + "instance; remove 'static' (use a constant outside the module for shared values)"),
    /** Args: annotation, field, generated class. */
    FIELD_FINAL("KLN103", "@%s field '%s' may not be final: %s assigns it when the module moves to another device "
            + "(to(device)); remove 'final'"),
    /** Args: annotation, field, type. */
    TENSOR_FIELD_TYPE("KLN104", "@%s field '%s' has type %s, not Tensor: @Param and @Buffer hold one "
            + "dev.kiln.tensor.Tensor; declare it as Tensor (use @Layer for modules, and one field per tensor)"),
    /** Args: field, type. */
    LAYER_FIELD_TYPE("KLN105", "@Layer field '%s' has type %s, which holds no modules: @Layer takes a Module "
            + "subtype, a List<? extends Module>, an array of modules or a Map<String, ? extends Module>; change "
            + "the type, or use @Param for a Tensor"),
    /** Args: field, first annotation, second annotation. */
    CONFLICTING_ANNOTATIONS("KLN106", "field '%s' has both @%s and @%s: a field is a parameter, a buffer or a "
            + "layer, not two of them; keep one"),
    /** Args: annotation, field, superclass. */
    FIELD_HIDES_INHERITED("KLN107", "@%s field '%s' hides the annotated field of the same name in %s: both "
            + "would have the state-dict key '%2$s'; rename one"),
    /** Args: field. */
    LAYER_INLINE_SINGLE("KLN108", "@Layer(inline = true) field '%s' holds a single module: only a list, array or "
            + "map can lend its elements to this module; remove 'inline = true'"),
    /** Args: field, the other inline field. */
    LAYER_INLINE_TWICE("KLN109", "@Layer(inline = true) field '%s' would share the names 0, 1, ... with the inline "
            + "field '%s': a module has at most one inline container; make one of them named"),

    // ------------------------------------------------------------------ classes

    /** Args: annotation, element kind, element, class. */
    NOT_A_MODULE("KLN201", "@%s %s '%s' is in %s, which does not extend dev.kiln.nn.Module: Kiln reads the "
            + "annotations of modules only; make it extend Module, or remove the annotation"),
    /** Args: class, generated class. */
    CLASS_PRIVATE("KLN202", "module class %s may not be private (nor be nested in a private class): %s, "
            + "generated beside it, must refer to it; make it package-private"),
    /** Args: class. */
    CLASS_INNER("KLN203", "module class %s may not be an inner class: the generated code must refer to it "
            + "without an enclosing instance; make it static"),
    /** Args: class, superclass, superclass's generated class. */
    SUPERCLASS_NOT_PROCESSED("KLN204", "%s extends %s, which has Kiln annotations but no generated %s: the "
            + "superclass was compiled without the Kiln annotation processor; compile it with "
            + "dev.kiln:kiln-processor on the annotation-processor path"),
    /** Args: missing type. */
    RUNTIME_MISSING("KLN205", "%s is not on the class path, so Kiln cannot check or generate this module: add "
            + "the dependency dev.kiln:kiln-runtime"),
    /** Args: class, class. */
    MISSING_FORWARD("KLN206", "module class %s has no @Forward method, and inherits none: annotate the method "
            + "that computes its output with @Forward, or make %s abstract to leave it to subclasses"),

    // ------------------------------------------------------------------ @Forward

    /** Args: class, the first @Forward method. */
    FORWARD_DUPLICATE("KLN301", "%s has more than one @Forward method (the first is '%s'): a module has exactly "
            + "one entry point; keep @Forward on one and call the others from it"),
    /** Args: method, generated class. */
    FORWARD_PRIVATE("KLN302", "@Forward method '%s' may not be private: %s calls it directly; make it "
            + "package-private or public"),
    /** Args: method. */
    FORWARD_STATIC("KLN303", "@Forward method '%s' may not be static: it computes the output of one module "
            + "instance; remove 'static'"),
    /** Args: method. */
    FORWARD_ABSTRACT("KLN304", "@Forward method '%s' may not be abstract: put @Forward on the method that "
            + "implements it (an abstract class may leave @Forward to its subclasses)"),
    /** Args: method. */
    FORWARD_VOID("KLN305", "@Forward method '%s' returns void: it must return the module's output, normally a "
            + "Tensor"),
    /** Args: method, parameter, type. */
    FORWARD_PARAMETER_TYPE("KLN306", "@Forward method '%s' takes parameter '%s' of type %s: @Forward takes "
            + "tensors (Tensor, or Tensor... / Tensor[] last) and hyperparameters (primitives, their boxes, "
            + "String); pass other values through fields set in the constructor"),
    /** Args: method, exception. */
    FORWARD_CHECKED_EXCEPTION("KLN307", "@Forward method '%s' declares the checked exception %s: trainers call it "
            + "through Module.apply, which cannot throw it; catch it, or wrap it in an unchecked exception"),

    // ------------------------------------------------------------------ the processor

    /** Args: signature, line, reason. A note: the body runs eagerly on the autograd tape. */
    COMPILE_EAGER_NOTE("KLN401", "%s runs eagerly: line %d: %s; the model still trains on the autograd tape (use "
            + "@Forward(compile = CompileMode.EAGER) to silence this note)", Kind.NOTE),
    /** Args: signature, line, reason. */
    COMPILE_REQUIRED_FAILED("KLN402", "%s cannot be compiled, and @Forward(compile = REQUIRED) requires it: line %d: "
            + "%s; rewrite that line or use compile = AUTO to let it run eagerly"),
    /** Args: signature, the processing environment's class. A note. */
    COMPILE_NO_TREE_API("KLN403", "%s runs eagerly: this compiler (%s) gives annotation processors no access to method bodies "
            + "(com.sun.source.util.Trees); compile with javac to get compiled forward and backward code", Kind.NOTE),
    /** Args: generated class, reason. */
    WRITE_FAILED("KLN901", "could not write %s: %s (is there already a type of that name? rename it)"),
    /** Args: what was being processed, the exception with its stack trace. */
    PROCESSOR_BUG("KLN999", "this is a bug in the Kiln annotation processor, not in your code, while "
            + "processing %s; please report it with this message. %s");

    private final String tag;
    private final String template;
    private final Kind kind;

    Diagnostic(String tag, String template) {
        this(tag, template, Kind.ERROR);
    }

    Diagnostic(String tag, String template, Kind kind) {
        this.tag = tag;
        this.template = template;
        this.kind = kind;
    }

    /** The stable tag, e.g. {@code KLN101}. */
    public String tag() {
        return tag;
    }

    /** The message template, with {@link String#format} placeholders. */
    public String template() {
        return template;
    }

    /** How javac reports it: an error, or a note for a body that runs eagerly. */
    public Kind kind() {
        return kind;
    }

    /** The full message: {@code [KLN101] @Param field 'w' may not be private: ...}. */
    public String format(Object... args) {
        return "[" + tag + "] " + String.format(Locale.ROOT, template, args);
    }
}
