package dev.kiln.it.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.kiln.it.processor.ProcessorTestSupport.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.processor.KilnProcessor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every misuse in the processor's catalogue fails to compile, with its message, on the exact file
 * and line. Each source starts with the same five lines, so its body starts on line 6.
 */
class DiagnosticsTest {

    private static JavaFileObject module(String name, String... body) {
        List<String> lines = new ArrayList<>(List.of(
                "package test;",
                "import dev.kiln.annotations.*;",
                "import dev.kiln.nn.Module;",
                "import dev.kiln.tensor.Tensor;",
                "import java.util.*;"));
        lines.addAll(List.of(body));
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    private static void assertError(Compilation c, JavaFileObject file, long line, String message) {
        assertThat(c).failed();
        assertThat(c).hadErrorContaining(message).inFile(file).onLine(line);
    }

    /** The Kiln errors of a compilation, as tag + line. */
    private static List<String> kilnErrors(Compilation c) {
        return c.errors().stream()
                .filter(d -> d.getMessage(Locale.ROOT).startsWith("[KLN"))
                .map(d -> d.getMessage(Locale.ROOT).substring(1, 7) + "@" + d.getLineNumber())
                .collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ fields

    @Test
    void kln101PrivateField() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",                      // 6
                "    @Param private Tensor w;",                            // 7
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN101] @Param field 'w' may not be private: Mlp_Module reads it directly; "
                + "make it package-private");
    }

    @Test
    void kln102StaticField() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Buffer static Tensor shared;",                       // 7
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        assertError(compile(mlp), mlp, 7, "[KLN102] @Buffer field 'shared' may not be static: parameters, buffers "
                + "and layers belong to each module instance; remove 'static'");
    }

    @Test
    void kln103FinalTensorField() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Param final Tensor w = Tensor.zeros(2);",            // 7
                "    @Layer final Mlp child = null;",                     // 8: final layers are fine
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN103] @Param field 'w' may not be final: Mlp_Module assigns it when the module "
                + "moves to another device (to(device)); remove 'final'");
        assertEquals(List.of("KLN103@7"), kilnErrors(c));
    }

    @Test
    void kln104ParamOrBufferOnANonTensor() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Param float[] w;",                                   // 7
                "    @Buffer List<Tensor> stats;",                         // 8
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN104] @Param field 'w' has type float[], not Tensor: @Param and @Buffer hold "
                + "one dev.kiln.tensor.Tensor; declare it as Tensor (use @Layer for modules, and one field per tensor)");
        assertError(c, mlp, 8, "[KLN104] @Buffer field 'stats' has type java.util.List<dev.kiln.tensor.Tensor>, "
                + "not Tensor");
    }

    @Test
    void kln105LayerOnANonModule() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Layer String name;",                                 // 7
                "    @Layer Tensor w;",                                    // 8
                "    @Layer Set<Mlp> set;",                                // 9: unordered
                "    @Layer Map<Integer, Mlp> byNumber;",                  // 10
                "    @Layer List<List<Mlp>> nested;",                      // 11
                "    @SuppressWarnings(\"rawtypes\") @Layer List raw;",    // 12
                "    @Layer List<? extends Mlp> ok1; @Layer Mlp[] ok2; @Layer Map<String, Mlp> ok3;",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN105] @Layer field 'name' has type java.lang.String, which holds no modules: "
                + "@Layer takes a Module subtype, a List<? extends Module>, an array of modules or a "
                + "Map<String, ? extends Module>; change the type, or use @Param for a Tensor");
        assertEquals(List.of("KLN105@7", "KLN105@8", "KLN105@9", "KLN105@10", "KLN105@11", "KLN105@12"),
                kilnErrors(c));
    }

    @Test
    void kln106ConflictingAnnotations() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Param",
                "    @Buffer Tensor w;",                                   // 8: reported on the second
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        assertError(compile(mlp), mlp, 8, "[KLN106] field 'w' has both @Param and @Buffer: a field is a parameter, "
                + "a buffer or a layer, not two of them; keep one");
    }

    @Test
    void kln107FieldHidesAnInheritedAnnotatedField() {
        JavaFileObject base = module("Base",
                "public abstract class Base extends Module {",
                "    @Param Tensor w;",
                "}");
        JavaFileObject sub = module("Sub",
                "public class Sub extends Base {",
                "    @Param Tensor w;",                                    // 7
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        assertError(compile(base, sub), sub, 7, "[KLN107] @Param field 'w' hides the annotated field of the same "
                + "name in Base: both would have the state-dict key 'w'; rename one");
    }

    @Test
    void kln108InlineSingleModule() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Layer(inline = true) Mlp child;",                     // 7
                "    @Layer(inline = true) List<Mlp> ok;",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN108] @Layer(inline = true) field 'child' holds a single module: only a list, "
                + "array or map can lend its elements to this module; remove 'inline = true'");
        assertEquals(List.of("KLN108@7"), kilnErrors(c));
    }

    @Test
    void kln109TwoInlineContainers() {
        JavaFileObject base = module("Base",
                "public abstract class Base extends Module {",
                "    @Layer(inline = true) List<Base> first;",
                "}");
        JavaFileObject sub = module("Sub",
                "public class Sub extends Base {",
                "    @Layer(inline = true) Map<String, Base> second;",      // 7
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        JavaFileObject twice = module("Twice",
                "public class Twice extends Module {",
                "    @Layer(inline = true) List<Twice> a;",
                "    @Layer(inline = true) Twice[] b;",                    // 8
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(base, sub, twice);
        assertError(c, sub, 7, "[KLN109] @Layer(inline = true) field 'second' would share the names 0, 1, ... with the "
                + "inline field 'Base.first': a module has at most one inline container; make one of them named");
        assertError(c, twice, 8, "[KLN109] @Layer(inline = true) field 'b' would share the names 0, 1, ... with the "
                + "inline field 'a'");
    }

    // ------------------------------------------------------------------ classes

    @Test
    void kln201AnnotationsOutsideAModule() {
        JavaFileObject notModule = module("Holder",
                "public class Holder {",
                "    @Param Tensor w;",                                    // 7
                "    @Forward public Tensor forward(Tensor x) { return x; }",   // 8
                "}");
        JavaFileObject record = module("Rec",
                "public record Rec(@Param Tensor w) {}");                 // 6
        Compilation c = compile(notModule, record);
        assertError(c, notModule, 7, "[KLN201] @Param field 'w' is in Holder, which does not extend "
                + "dev.kiln.nn.Module: Kiln reads the annotations of modules only; make it extend Module, or remove "
                + "the annotation");
        assertError(c, notModule, 8, "[KLN201] @Forward method 'forward' is in Holder, which does not extend "
                + "dev.kiln.nn.Module");
        assertError(c, record, 6, "[KLN201] @Param field 'w' is in Rec, which does not extend dev.kiln.nn.Module");
    }

    @Test
    void kln202PrivateModuleClass() {
        JavaFileObject outer = module("Outer",
                "public class Outer {",
                "    private static class Inner extends Module {",         // 7
                "        @Param Tensor w;",
                "        @Forward public Tensor forward(Tensor x) { return x; }",
                "    }",
                "}");
        assertError(compile(outer), outer, 7, "[KLN202] module class Outer.Inner may not be private (nor be nested "
                + "in a private class): Outer_Inner_Module, generated beside it, must refer to it; make it "
                + "package-private");
    }

    @Test
    void kln203InnerModuleClass() {
        JavaFileObject outer = module("Outer",
                "public class Outer {",
                "    class Inner extends Module {",                        // 7
                "        @Param Tensor w;",
                "        @Forward public Tensor forward(Tensor x) { return x; }",
                "    }",
                "}");
        assertError(compile(outer), outer, 7, "[KLN203] module class Outer.Inner may not be an inner class: the "
                + "generated code must refer to it without an enclosing instance; make it static");
    }

    @Test
    void kln204SuperclassCompiledWithoutTheProcessor(@TempDir Path dir) throws IOException {
        JavaFileObject base = module("Base",
                "public abstract class Base extends Module {",
                "    @Param Tensor w;",
                "}");
        Compilation first = javac().withOptions("-proc:none").compile(base);
        assertThat(first).succeeded();
        for (JavaFileObject cls : first.generatedFiles()) {
            if (cls.getKind() == JavaFileObject.Kind.CLASS) {
                Path out = dir.resolve("test/Base.class");
                Files.createDirectories(out.getParent());
                try (InputStream in = cls.openInputStream()) {
                    Files.copy(in, out);
                }
            }
        }
        List<File> classpath = new ArrayList<>(ProcessorTestSupport.runtimeClasspath());
        classpath.add(dir.toFile());
        JavaFileObject sub = module("Sub",
                "public class Sub extends Base {",                        // 6
                "    @Param Tensor v;",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).withClasspath(classpath).compile(sub);
        assertError(c, sub, 6, "[KLN204] Sub extends Base, which has Kiln annotations but no generated Base_Module: "
                + "the superclass was compiled without the Kiln annotation processor; compile it with "
                + "dev.kiln:kiln-processor on the annotation-processor path");
    }

    @Test
    void kln205RuntimeNotOnTheClassPath() {
        JavaFileObject holder = JavaFileObjects.forSourceLines("test.Holder",
                "package test;",
                "import dev.kiln.annotations.Param;",
                "public class Holder {",                                  // 3
                "    @Param Object w;",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor())
                .withClasspath(List.of(ProcessorTestSupport.location(dev.kiln.annotations.Param.class)))
                .compile(holder);
        assertError(c, holder, 3, "[KLN205] dev.kiln.nn.Module is not on the class path, so Kiln cannot check or "
                + "generate this module: add the dependency dev.kiln:kiln-runtime");
    }

    @Test
    void kln206NoForward() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",                      // 6
                "    @Param Tensor w;",
                "}");
        JavaFileObject abstractBase = module("Base",
                "public abstract class Base extends Module {",            // abstract: allowed
                "    @Param Tensor w;",
                "}");
        JavaFileObject inherits = module("Sub",
                "public class Sub extends Mlp2 {",                         // inherits one: allowed
                "    @Param Tensor v;",
                "}");
        JavaFileObject mlp2 = module("Mlp2",
                "public class Mlp2 extends Module {",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp, abstractBase, inherits, mlp2);
        assertError(c, mlp, 6, "[KLN206] module class Mlp has no @Forward method, and inherits none: annotate the "
                + "method that computes its output with @Forward, or make Mlp abstract to leave it to subclasses");
        assertEquals(List.of("KLN206@6"), kilnErrors(c));
    }

    // ------------------------------------------------------------------ @Forward

    @Test
    void kln301MoreThanOneForward() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "    @Forward public Tensor other(Tensor x) { return x; }",   // 8
                "}");
        assertError(compile(mlp), mlp, 8, "[KLN301] Mlp has more than one @Forward method (the first is 'forward'): "
                + "a module has exactly one entry point; keep @Forward on one and call the others from it");
    }

    @Test
    void kln302PrivateForward() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward private Tensor forward(Tensor x) { return x; }",   // 7
                "}");
        assertError(compile(mlp), mlp, 7, "[KLN302] @Forward method 'forward' may not be private: Mlp_Module calls "
                + "it directly; make it package-private or public");
    }

    @Test
    void kln303StaticForward() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward static Tensor forward(Tensor x) { return x; }",    // 7
                "}");
        assertError(compile(mlp), mlp, 7, "[KLN303] @Forward method 'forward' may not be static: it computes the "
                + "output of one module instance; remove 'static'");
    }

    @Test
    void kln304AbstractForward() {
        JavaFileObject base = module("Base",
                "public abstract class Base extends Module {",
                "    @Forward abstract Tensor forward(Tensor x);",             // 7
                "}");
        assertError(compile(base), base, 7, "[KLN304] @Forward method 'forward' may not be abstract: put @Forward on "
                + "the method that implements it (an abstract class may leave @Forward to its subclasses)");
    }

    @Test
    void kln305VoidForward() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward void forward(Tensor x) {}",                      // 7
                "}");
        assertError(compile(mlp), mlp, 7, "[KLN305] @Forward method 'forward' returns void: it must return the "
                + "module's output, normally a Tensor");
    }

    @Test
    void kln306ForwardParameterItCannotPass() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward Tensor forward(Tensor x,",
                "            List<Tensor> xs,",                                  // 8
                "            Tensor[] notLast,",                                 // 9
                "            Object anything,",                                  // 10
                "            int ok1, Integer ok2, String ok3, Tensor... ok4) { return x; }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 8, "[KLN306] @Forward method 'forward' takes parameter 'xs' of type "
                + "java.util.List<dev.kiln.tensor.Tensor>: @Forward takes tensors (Tensor, or Tensor... / Tensor[] "
                + "last) and hyperparameters (primitives, their boxes, String); pass other values through fields set "
                + "in the constructor");
        assertEquals(List.of("KLN306@8", "KLN306@9", "KLN306@10"), kilnErrors(c));
    }

    @Test
    void kln307CheckedException() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Forward Tensor forward(Tensor x) throws java.io.IOException, IllegalStateException {",  // 7
                "        return x;",
                "    }",
                "}");
        Compilation c = compile(mlp);
        assertError(c, mlp, 7, "[KLN307] @Forward method 'forward' declares the checked exception "
                + "java.io.IOException: trainers call it through Module.apply, which cannot throw it; catch it, or "
                + "wrap it in an unchecked exception");
        assertEquals(List.of("KLN307@7"), kilnErrors(c));
    }

    // ------------------------------------------------------------------ the processor

    @Test
    void kln901TwoClassesWouldGetTheSameGeneratedName() {
        JavaFileObject outer = module("Outer",
                "public class Outer {",
                "    public static class Inner extends Module {",
                "        @Forward public Tensor forward(Tensor x) { return x; }",
                "    }",
                "}");
        JavaFileObject clash = module("Outer_Inner",
                "public class Outer_Inner extends Module {",               // 6
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(outer, clash);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[KLN901] could not write test.Outer_Inner_Module");
        assertEquals(1, c.errors().stream().filter(d -> d.getMessage(Locale.ROOT).contains("KLN901")).count());
    }

    // ------------------------------------------------------------------ guarantees

    @Test
    void everyErrorOfAClassIsReportedAndOtherClassesStillGenerate() {
        JavaFileObject bad = module("Bad",
                "public class Bad extends Module {",
                "    @Param private static final String a = \"\";",       // 7: private, static, final, type
                "    @Layer Tensor b;",                                     // 8
                "    @Forward Tensor forward(Tensor x) { return x; }",      // 9
                "    @Forward Tensor again(Tensor x) { return x; }",        // 10
                "}");
        JavaFileObject good = module("Good",
                "public class Good extends Module {",
                "    @Param Tensor w;",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        RecordingProcessor kiln = new RecordingProcessor();
        Compilation c = javac().withProcessors(kiln).compile(bad, good);
        assertEquals(List.of("KLN101@7", "KLN102@7", "KLN103@7", "KLN104@7", "KLN105@8", "KLN301@10"),
                kilnErrors(c));
        assertEquals(List.of("test.Good_Module", "test.Good_Compiled"), kiln.names(),
                "a class with errors is not generated; others are (structure and compiled forward)");
    }

    @Test
    void anErrorIsAttachedToTheAnnotation() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Param",                                               // 7: the annotation
                "    private Tensor w;",                                    // 8: the field
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(mlp);
        Diagnostic<? extends JavaFileObject> d = c.errors().get(0);
        assertEquals(7, d.getLineNumber(), "javac points at the annotation mirror of the field");
        assertTrue(d.getMessage(Locale.ROOT).startsWith("[KLN101]"));
    }

    @Test
    void aSubclassOfAFailedModuleIsNotGeneratedAndGetsNoSecondaryError() {
        JavaFileObject base = module("Base",
                "public abstract class Base extends Module {",
                "    @Param private Tensor w;",                             // 7
                "}");
        JavaFileObject sub = module("Sub",
                "public class Sub extends Base {",
                "    @Param Tensor v;",
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        Compilation c = compile(sub, base);
        assertEquals(List.of("KLN101@7"), kilnErrors(c));
        assertEquals(1, c.errors().size(), c.errors().toString());
    }

    @Test
    void aTypeGeneratedInTheSameRoundIsWaitedFor() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Layer Gen gen;",                                      // generated by another processor
                "    @Forward public Tensor forward(Tensor x) { return gen.forward(x); }",
                "}");
        // The universal processor runs first: Kiln claims its annotations (see KilnProcessor).
        Compilation c = javac().withProcessors(new GeneratingProcessor(), new KilnProcessor())
                .withOptions("-Xlint:all", "-Werror").compile(mlp);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile("test.Mlp_Module").contentsAsUtf8String()
                .contains("visitor.layer(\"gen\", module.gen);");
        assertThat(c).generatedSourceFile("test.Gen_Module");
    }

    @Test
    void aTypeThatNeverResolvesIsLeftToJavacAndOtherProblemsAreStillPrinted() {
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Layer Missing gone;",                                 // 7: javac reports it
                "    @Param private Tensor w;",                             // 8
                "    @Forward public Tensor forward(Tensor x) { return x; }",
                "}");
        RecordingProcessor kiln = new RecordingProcessor();
        Compilation c = javac().withProcessors(kiln).compile(mlp);
        assertThat(c).hadErrorContaining("cannot find symbol").inFile(mlp).onLine(7);
        assertEquals(List.of("KLN101@8"), kilnErrors(c));
        assertEquals(List.of(), kiln.names());
    }
}
