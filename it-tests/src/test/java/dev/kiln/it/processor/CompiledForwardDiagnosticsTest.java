package dev.kiln.it.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
                "        return h.add(Tensor.zeros(1));",                  // 10
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
                + "Tensor.zeros(...), which Kiln does not know how to compile").inFile(unknown).onLine(10);
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
}
