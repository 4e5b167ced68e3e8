package dev.kiln.it.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.processor.KilnProcessor;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The notes and errors of the compiled-forward stage (KLN401, KLN402), with file and line. */
class CompiledForwardDiagnosticsTest {

    private static JavaFileObject module(String name, String... body) {
        List<String> lines = new ArrayList<>(List.of(
                "package test;",
                "import static dev.kiln.ops.Ops.*;",
                "import dev.kiln.annotations.*;",
                "import dev.kiln.nn.Linear;",
                "import dev.kiln.nn.Module;",
                "import dev.kiln.tensor.Tensor;"));
        lines.addAll(List.of(body));
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    /** A class whose body halves while a tensor's value is large: the while loop is on line 12. */
    private static JavaFileObject halving(String annotation) {
        return module("Halving",
                "public class Halving extends Module {",                  // 7
                "    @Layer Linear fc;",                                   // 8
                "    " + annotation,                                       // 9
                "    public Tensor forward(Tensor x) {",                   // 10
                "        Tensor h = fc.forward(x);",                       // 11
                "        while (h.abs().sum().item() > 1) {",              // 12
                "            h = h.div(2);",
                "        }",
                "        return h;",
                "    }",
                "}");
    }

    @Test
    void kln401ABodyWithAWhileLoopRunsEagerlyWithANoteOnItsLine() {
        JavaFileObject file = halving("@Forward");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(file);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Halving.forward(Tensor) runs eagerly: line 12: a while loop")
                .inFile(file).onLine(12);
        assertThat(c).generatedSourceFile("test.Halving_Module");
        assertEquals(0, c.generatedSourceFiles().stream().filter(f -> f.getName().contains("Halving_Compiled")).count(),
                "no compiled class for a body that runs eagerly");
    }

    @Test
    void kln402RequiredMakesItAnError() {
        JavaFileObject file = halving("@Forward(compile = CompileMode.REQUIRED)");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(file);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[KLN402] Halving.forward(Tensor) cannot be compiled, and "
                + "@Forward(compile = REQUIRED) requires it: line 12: a while loop").inFile(file).onLine(12);
    }

    @Test
    void kln401AnUnknownCallAndAFieldWriteNameTheirLines() {
        JavaFileObject unknown = module("Unknown",
                "public class Unknown extends Module {",                   // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        Tensor h = relu(x);",
                "        return h.add(dev.kiln.nn.init.Init.zeros(x));",   // 10
                "    }",
                "}");
        JavaFileObject writes = module("Writes",
                "public class Writes extends Module {",                    // 7
                "    Tensor last;",
                "    @Forward public Tensor forward(Tensor x) {",
                "        last = x;",                                       // 10
                "        return x;",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(unknown, writes);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Unknown.forward(Tensor) runs eagerly: line 10: it calls "
                + "Init.zeros(...), which Kiln does not know how to compile").inFile(unknown).onLine(10);
        assertThat(c).hadNoteContaining("[KLN401] Writes.forward(Tensor) runs eagerly: line 10: it assigns 'last', "
                + "which is not a Tensor local").inFile(writes).onLine(10);
    }

    @Test
    void eagerModeIsQuietAndCompilableBodiesGetACompiledClass() {
        JavaFileObject eager = module("Quiet",
                "public class Quiet extends Module {",
                "    @Forward(compile = CompileMode.EAGER) public Tensor forward(Tensor x) {",
                "        while (x.sum().item() > 1) { x = x.div(2); }",
                "        return x;",
                "    }",
                "}");
        JavaFileObject mlp = module("Mlp",
                "public class Mlp extends Module {",
                "    @Layer Linear fc1, fc2;",
                "    @Forward public Tensor forward(Tensor x) {",
                "        return fc2.forward(relu(fc1.forward(x)));",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(eager, mlp);
        assertThat(c).succeeded();
        assertEquals(0, c.notes().stream().filter(n -> n.getMessage(null).contains("KLN4")).count(), c.notes().toString());
        assertThat(c).generatedSourceFile("test.Mlp_Compiled");
    }

    @Test
    void kln401LoopsAndBranchesThatCannotBeUnrolledNameTheirLines() {
        JavaFileObject breaks = module("Breaks",
                "public class Breaks extends Module {",                   // 7
                "    @Layer java.util.List<Linear> layers;",
                "    @Forward public Tensor forward(Tensor x) {",
                "        for (Linear l : layers) {",
                "            x = l.forward(x);",
                "            break;",                                        // 12
                "        }",
                "        return x;",
                "    }",
                "}");
        JavaFileObject early = module("Early",
                "public class Early extends Module {",                    // 7
                "    @Layer java.util.List<Linear> layers;",
                "    @Forward public Tensor forward(Tensor x) {",
                "        for (Linear l : layers) {",
                "            return l.forward(x);",                          // 11
                "        }",
                "        return relu(x);",
                "    }",
                "}");
        JavaFileObject recursive = module("Recursive",
                "public class Recursive extends Module {",                // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        return again(x, 2);",                              // 9
                "    }",
                "    Tensor again(Tensor x, int n) {",
                "        return n == 0 ? x : again(relu(x), n - 1);",      // 12
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(breaks, early, recursive);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Breaks.forward(Tensor) runs eagerly: line 12: a break statement")
                .inFile(breaks).onLine(12);
        assertThat(c).hadNoteContaining("[KLN401] Early.forward(Tensor) runs eagerly: line 11: a return before the end "
                + "of the method").inFile(early).onLine(11);
        assertThat(c).hadNoteContaining("[KLN401] Recursive.forward(Tensor) runs eagerly: line 12: it calls "
                + "again(...) recursively").inFile(recursive).onLine(12);
    }

    @Test
    void loopsBranchesShapeChecksAndOwnMethodsCompileWithoutNotes() {
        JavaFileObject loops = module("Loops",
                "public class Loops extends Module {",
                "    @Layer java.util.List<Linear> layers;",
                "    @Layer Linear[] taps;",
                "    final int repeats = 2;",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        if (x.dim() != 2) {",
                "            throw new IllegalArgumentException(\"Loops: \" + java.util.Arrays.toString(x.shape()));",
                "        }",
                "        for (int i = 0; i < layers.size(); i++) {",
                "            x = layers.get(i).forward(x);",
                "            if (i + 1 < layers.size()) { x = relu(x); }",
                "        }",
                "        for (Linear tap : taps) {",
                "            for (int r = 0; r < repeats; r++) { x = twice(tap.forward(x)); }",
                "        }",
                "        if (isTraining()) { x = tanh(x); } else { x = sigmoid(x); }",
                "        if (x.size(1) == 1) {",
                "            return x;",
                "        }",
                "        return x.mul(0.5);",
                "    }",
                "    private Tensor twice(Tensor t) { return t.mul(2); }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(loops);
        assertThat(c).succeeded();
        assertEquals(0, c.notes().stream().filter(n -> n.getMessage(null).contains("KLN4")).count(), c.notes().toString());
        assertThat(c).generatedSourceFile("test.Loops_Compiled").contentsAsUtf8String()
                .contains("for (int i = 0; i < module.layers.size(); i++)");
    }

    /** A helper class beside the modules, in their package: its static methods are inlined. */
    private static JavaFileObject helpers() {
        return JavaFileObjects.forSourceLines("test.Helpers",
                "package test;",
                "import dev.kiln.tensor.Tensor;",
                "final class Helpers {",
                "    static Tensor orZeros(Tensor state, Tensor like, int[] shape) {",
                "        if (state == null) {",
                "            return Tensor.zeros(like.dtype(), shape);",
                "        }",
                "        return state;",
                "    }",
                "    static void checkRank(String layer, Tensor x, int rank) {",
                "        if (x.dim() != rank) { throw new IllegalArgumentException(layer + \": rank \" + x.dim()); }",
                "    }",
                "    static Tensor halve(Tensor x) {",
                "        while (x.sum().item() > 1) { x = x.div(2); }",           // 14
                "        return x;",
                "    }",
                "}");
    }

    @Test
    void modulesCallTheirOwnMethodsAndTheirPackagesHelpers() {
        JavaFileObject cell = module("Cell",
                "public class Cell extends Module {",
                "    @Param Tensor w;",
                "    @Buffer Tensor steps;",
                "    final int hidden = 3;",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x, Tensor h) {",
                "        Helpers.checkRank(\"Cell\", x, 2);",
                "        checkBatch(x);",
                "        int[] shape = new int[] {x.size(0), hidden};",
                "        String name = \"h\";",
                "        Tensor state = Helpers.orZeros(h, x, shape);",
                "        double scale = steps == null ? 1 : factor();",
                "        return x.matmul(w).add(state).mul(scale);",
                "    }",
                "    void checkBatch(Tensor x) {",
                "        if (x.size(0) == 0) { throw new IllegalArgumentException(\"empty batch\"); }",
                "    }",
                "    double factor() { return 0.5; }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(cell, helpers());
        assertThat(c).succeeded();
        assertEquals(0, c.notes().stream().filter(n -> n.getMessage(null).contains("KLN4")).count(), c.notes().toString());
        assertThat(c).generatedSourceFile("test.Cell_Compiled").contentsAsUtf8String()
                .contains("module.checkBatch(x);");
        assertThat(c).generatedSourceFile("test.Cell_Compiled").contentsAsUtf8String()
                .contains("test.Helpers.checkRank(\"Cell\", x, 2);");
        assertThat(c).generatedSourceFile("test.Cell_Compiled").contentsAsUtf8String()
                .contains("call.c1 = (h == null);");
    }

    @Test
    void kln401APrivateMethodAHelperThatCannotCompileAndAListLocalNameTheirLines() {
        JavaFileObject hidden = module("Hidden",
                "public class Hidden extends Module {",                   // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        return x.mul(scale());",                          // 9
                "    }",
                "    private double scale() { return 2; }",
                "}");
        JavaFileObject halving = module("Halving",
                "public class Halving extends Module {",                  // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        Tensor h = relu(x);",
                "        return Helpers.halve(h);",                        // 10
                "    }",
                "}");
        JavaFileObject listing = module("Listing",
                "public class Listing extends Module {",                  // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        java.util.List<Tensor> parts = java.util.List.of(x);", // 9
                "        return parts.get(0);",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(hidden, halving, listing, helpers());
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Hidden.forward(Tensor) runs eagerly: line 9: it calls the private "
                + "method scale(...), which the generated class cannot call; make it package-private")
                .inFile(hidden).onLine(9);
        assertThat(c).hadNoteContaining("[KLN401] Halving.forward(Tensor) runs eagerly: line 10: it calls "
                + "Helpers.halve(...), whose body cannot be compiled: a while loop").inFile(halving).onLine(10);
        assertThat(c).hadNoteContaining("[KLN401] Listing.forward(Tensor) runs eagerly: line 9: the local 'parts' has "
                + "type java.util.List<dev.kiln.tensor.Tensor>; compiled forwards hold tensors and hyperparameters "
                + "(primitives, strings, enums, arrays of them)").inFile(listing).onLine(9);
    }

    @Test
    void kln401AnArrayAssignedAgainAndAnArrayFromAnUnknownCallNameTheirLines() {
        JavaFileObject again = module("Again",
                "public class Again extends Module {",                     // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        Tensor[] parts = new Tensor[2];",
                "        parts = new Tensor[3];",                           // 10
                "        return x;",
                "    }",
                "}");
        JavaFileObject copied = module("Copied",
                "public class Copied extends Module {",                    // 7
                "    @Forward public Tensor forward(Tensor x) {",
                "        Tensor[] parts = {x, x};",
                "        Tensor[] copy = java.util.Arrays.copyOf(parts, 2);", // 10
                "        return stack(java.util.List.of(copy), 0);",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(again, copied);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Again.forward(Tensor) runs eagerly: line 10: it assigns the array "
                + "'parts' again (declare each Tensor[] once and write its elements)").inFile(again).onLine(10);
        assertThat(c).hadNoteContaining("[KLN401] Copied.forward(Tensor) runs eagerly: line 10: the array "
                + "'java.util.Arrays.copyOf(parts, 2)' (a Tensor[] is a local declared with new Tensor[n] or {a, b, ...}, "
                + "or returned by a helper Kiln inlines)").inFile(copied).onLine(10);
    }

    @Test
    void tensorArraysNullStatesAndConstantArgumentsCompileWithoutNotes() throws java.io.IOException {
        JavaFileObject steps = module("Steps",
                "public class Steps extends Module {",                     // 7
                "    @Param Tensor w;",
                "    @Param Tensor v;",
                "    enum Cell { PLAIN, GATED }",
                "    @Forward public Tensor forward(Tensor x) {",
                "        return run(x, null, Cell.PLAIN, null);",
                "    }",
                "    final Tensor run(Tensor x, Tensor h0, Cell cell, Tensor[] finalState) {",
                "        Tensor h = h0 == null ? x.select(0, 0).mul(0) : h0;",
                "        Tensor[] weights = {w, v};",
                "        Tensor[] perStep = new Tensor[x.size(0)];",
                "        for (int t = 0; t < x.size(0); t++) {",
                "            Tensor pre = x.select(0, t).matmul(weights[0]).add(h.matmul(weights[1]));",
                "            h = cell == Cell.GATED ? pre.sigmoid().mul(h) : pre.tanh();",
                "            perStep[t] = h;",
                "        }",
                "        if (finalState != null) {",
                "            finalState[0] = h;",
                "        }",
                "        Tensor all = stack(java.util.List.of(perStep), 0);",
                "        Tensor[] both = {all, all};",
                "        return concat(java.util.Arrays.asList(both), 1);",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(steps);
        assertThat(c).succeededWithoutWarnings();
        assertEquals(0, c.notes().stream().filter(d -> d.getMessage(null).contains("KLN401")).count(),
                c.notes().toString());
        String compiled = c.generatedSourceFile("test.Steps_Compiled").orElseThrow().getCharContent(true).toString();
        // The null state and the constant cell are decided when the body is read: no branch on them is left.
        assertFalse(compiled.contains("sigmoid"), compiled);
        assertFalse(compiled.contains("h0"), compiled);
        assertFalse(compiled.contains("finalState"), compiled);
        assertTrue(compiled.contains("perStep[t] = h"), compiled);
        assertTrue(compiled.contains("gradPerStep[t] = null;"), compiled);
        assertTrue(compiled.contains("Frame.accumulateAll(gradPerStep, "), compiled);
        assertTrue(compiled.contains("sink.add(module.w, gradWeights[0]);"), compiled);
    }

    @Test
    void kln401ReturnsThatAreNotATensorOrARecordBuiltAtTheEndNameTheirLines() {
        JavaFileObject texts = module("Texts",
                "public class Texts extends Module {",                     // 7
                "    @Forward public String forward(Tensor x) {",           // 8
                "        return \"x\";",
                "    }",
                "}");
        JavaFileObject early = module("Early",
                "public class Early extends Module {",                     // 7
                "    public record Pair(Tensor a, Tensor b) {}",
                "    @Forward public Pair forward(Tensor x) {",
                "        if (x.dim() == 1) {",                             // 10
                "            return new Pair(x, x);",
                "        }",
                "        return new Pair(x.mul(2), x);",
                "    }",
                "}");
        JavaFileObject kept = module("Kept",
                "public class Kept extends Module {",                      // 7
                "    public record Pair(Tensor a, Tensor b) {}",
                "    Pair last;",
                "    @Forward public Pair forward(Tensor x) {",
                "        return last;",                                    // 11
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(texts, early, kept);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[KLN401] Texts.forward(Tensor) runs eagerly: line 8: it returns "
                + "java.lang.String, neither a Tensor nor a record of tensors").inFile(texts).onLine(8);
        assertThat(c).hadNoteContaining("[KLN401] Early.forward(Tensor) runs eagerly: line 10: an if whose branches "
                + "return arrays or records of tensors (return once, at the end)").inFile(early).onLine(10);
        assertThat(c).hadNoteContaining("[KLN401] Kept.forward(Tensor) runs eagerly: line 11: it returns 'last' "
                + "(write return new Pair(a, b, ...))").inFile(kept).onLine(11);
    }

    @Test
    void aForwardReturningARecordOfTensorsCompilesToOneCallWithSeveralOutputs() throws java.io.IOException {
        JavaFileObject split = module("Split",
                "public class Split extends Module {",
                "    public record Halves(Tensor low, Tensor high) {}",
                "    @Param Tensor w;",
                "    @Forward public Halves forward(Tensor x) {",
                "        Tensor y = x.matmul(w);",
                "        return new Halves(y.tanh(), y.sigmoid());",
                "    }",
                "}");
        JavaFileObject single = module("Single",
                "public class Single extends Module {",
                "    public record One(Tensor only) {}",
                "    @Forward public One forward(Tensor x) {",
                "        return new One(x.tanh());",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(split, single);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile("test.Single_Compiled");
        assertEquals(0, c.notes().stream().filter(d -> d.getMessage(null).contains("KLN401")).count(),
                c.notes().toString());
        String structure = c.generatedSourceFile("test.Split_Module").orElseThrow().getCharContent(true).toString();
        assertTrue(structure.contains("Tensor[] compiled = Compiled.callAll(module, Split_Compiled.INSTANCE, x);"),
                structure);
        assertTrue(structure.contains("return new Split.Halves(compiled[0], compiled[1]);"), structure);
        String compiled = c.generatedSourceFile("test.Split_Compiled").orElseThrow().getCharContent(true).toString();
        assertTrue(compiled.contains("return call.finish(halves, nHalves);"), compiled);
        assertTrue(compiled.contains("public Tensor[] backward(Tensor[] gradOutputs, GradSink sink) {"), compiled);
        assertTrue(compiled.contains("Frame.accumulateAll(gradHalves, gradOutputs);"), compiled);
    }

    @Test
    void anOpOutsideTheTableReadsTheShapeOfALoopVariableBeforeItsLambda() {
        JavaFileObject norms = module("Norms",
                "public class Norms extends Module {",
                "    @Layer java.util.List<Linear> layers;",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        for (Linear l : layers) {",
                "            x = dev.kiln.nn.functional.F.layerNorm(l.forward(x), new int[] {x.size(-1)}, null, null, 1e-5);",
                "        }",
                "        return x;",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(norms);
        // The generated class compiles: the lambda of the eager layerNorm captures a final local, not x.
        assertThat(c).succeeded();
        assertThat(c).generatedSourceFile("test.Norms_Compiled").contentsAsUtf8String()
                .contains("final int[] normalizedShape = new int[] {x2.size(-1)};");
    }

    @Test
    void anOpOutsideTheTableReadsALoopCounterBeforeItsLambda() {
        JavaFileObject slices = module("Slices",
                "public class Slices extends Module {",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        Tensor h = x;",
                "        for (int i = 0; i < 2; i++) {",
                "            h = h.slice(1, i, h.size(1));",
                "        }",
                "        return h;",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(slices);
        // The generated class compiles: the lambda of the eager slice captures a final copy of the counter.
        assertThat(c).succeeded();
    }

    @Test
    void aHelperCalledInVarargsRunsOnceInTheForward() throws java.io.IOException {
        JavaFileObject rows = module("Rows",
                "public class Rows extends Module {",
                "    int calls;",
                "    int last(Tensor x) { calls++; return x.dim() - 1; }",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        return x.permute(last(x), 0).mul(2);",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(rows);
        assertThat(c).succeeded();
        String generated = c.generatedSourceFile("test.Rows_Compiled").orElseThrow().getCharContent(true).toString();
        // The helper's value is read into a local once; the permute and its backward (which keeps the
        // order) use the local.
        assertEquals(1, generated.split("module\\.last\\(", -1).length - 1, generated);
    }

    @Test
    void aListOfTensorsPassedToAnOpCompiles() {
        JavaFileObject halves = module("Halves",
                "public class Halves extends Module {",
                "    @Layer Linear fc;",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        Tensor h = fc.forward(x);",
                "        return concat(java.util.List.of(h.slice(1, 0, 2), x, h), 1);",
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(halves);
        assertThat(c).succeeded();
        assertThat(c).generatedSourceFile("test.Halves_Compiled").contentsAsUtf8String()
                .contains("java.util.List.of(");
    }

    @Test
    void privateConstantsAreRepeatedAndOtherPrivateStaticFieldsGetANoteOnTheirLine() {
        JavaFileObject constants = module("Constants",
                "public class Constants extends Module {",
                "    private static final double SCALE = 2;",
                "    private static final double NEG = -0.5;",
                "    private static final String NAME = \"quote\\\" and \\\\\";",
                "    @Forward(compile = CompileMode.REQUIRED) public Tensor forward(Tensor x) {",
                "        if (x.dim() == 0) { throw new IllegalArgumentException(NAME); }",
                "        return x.mul(SCALE).add(-NEG);",
                "    }",
                "}");
        JavaFileObject shared = module("Shared",
                "public class Shared extends Module {",                   // 7
                "    private static double scale = 2;",
                "    @Forward public Tensor forward(Tensor x) {",
                "        return x.mul(scale);",                            // 10
                "    }",
                "}");
        Compilation c = javac().withProcessors(new KilnProcessor()).compile(constants, shared);
        assertThat(c).succeeded();
        assertThat(c).generatedSourceFile("test.Constants_Compiled").contentsAsUtf8String()
                .contains("x.mul(2.0)");
        // A negative constant under a unary minus: -(-0.5), since --0.5 is not Java.
        assertThat(c).generatedSourceFile("test.Constants_Compiled").contentsAsUtf8String()
                .contains("add(-(-0.5))");
        assertThat(c).generatedSourceFile("test.Constants_Compiled").contentsAsUtf8String()
                .contains("new java.lang.IllegalArgumentException(\"quote\\\" and \\\\\")");
        assertThat(c).hadNoteContaining("[KLN401] Shared.forward(Tensor) runs eagerly: line 10: it reads the private "
                + "static field 'scale', which the generated class cannot read; make it package-private")
                .inFile(shared).onLine(10);
    }
}
