package dev.kiln.processor.model;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import com.palantir.javapoet.ClassName;
import dev.kiln.annotations.CompileMode;
import dev.kiln.processor.model.LayerMember.LayerShape;
import dev.kiln.processor.model.TensorMember.TensorKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The model of a few classes, built against stand-ins of the runtime's Module and Tensor (the
 * processor cannot depend on the runtime; it-tests use the real one).
 */
class ModuleModelFactoryTest {

    /** Builds the model of every class named in {@code names}, in the first round. */
    private static final class ModelProcessor extends AbstractProcessor {
        final Map<String, ModuleModel> models = new LinkedHashMap<>();
        private final List<String> names;

        ModelProcessor(List<String> names) {
            this.names = names;
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (round.processingOver()) {
                return false;
            }
            KilnTypes kilnTypes = new KilnTypes(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
            ModuleModelFactory factory = new ModuleModelFactory(kilnTypes);
            for (String name : names) {
                models.put(name, factory.build(processingEnv.getElementUtils().getTypeElement(name)));
            }
            return false;
        }
    }

    private static final JavaFileObject MODULE = JavaFileObjects.forSourceString("dev.kiln.nn.Module",
            "package dev.kiln.nn; public abstract class Module {}");
    private static final JavaFileObject TENSOR = JavaFileObjects.forSourceString("dev.kiln.tensor.Tensor",
            "package dev.kiln.tensor; public final class Tensor {}");

    private static Map<String, ModuleModel> models(JavaFileObject source, String... names) {
        ModelProcessor p = new ModelProcessor(List.of(names));
        Compilation c = Compiler.javac().withProcessors(p).compile(MODULE, TENSOR, source);
        assertThat(c).succeeded();
        return p.models;
    }

    @Test
    void membersInFieldOrderWithTheirKinds() {
        ModuleModel m = models(JavaFileObjects.forSourceString("p.Net", """
                package p;
                import dev.kiln.annotations.*;
                import dev.kiln.nn.Module;
                import dev.kiln.tensor.Tensor;
                import java.util.*;
                public class Net extends Module {
                    @Layer Net child;
                    @Param Tensor w;
                    @Buffer(persistent = false) Tensor scratch;
                    @Layer ArrayList<Net> list;
                    @Layer Net[] array;
                    @Layer(inline = true) TreeMap<String, Net> map;
                    int notAMember;
                    @Forward(compile = CompileMode.REQUIRED) Tensor forward(Tensor x, int k, Tensor... more) {
                        return x;
                    }
                }
                """), "p.Net").get("p.Net");
        assertEquals(List.of(
                new LayerMember("child", LayerShape.SINGLE, false),
                new TensorMember("w", TensorKind.PARAMETER, true),
                new TensorMember("scratch", TensorKind.BUFFER, false),
                new LayerMember("list", LayerShape.LIST, false),
                new LayerMember("array", LayerShape.ARRAY, false),
                new LayerMember("map", LayerShape.MAP, true)), m.members());
        assertEquals(ClassName.get("p", "Net_Module"), m.structureClass());
        assertEquals(Optional.empty(), m.superStructure());
        ForwardModel.Declared f = assertInstanceOf(ForwardModel.Declared.class, m.forward());
        assertEquals("Net.forward(Tensor, int, Tensor...)", f.signature());
        assertEquals(CompileMode.REQUIRED, f.compile());
        assertEquals(List.of(ForwardParameter.Kind.TENSOR, ForwardParameter.Kind.PRIMITIVE,
                ForwardParameter.Kind.TENSORS), f.parameters().stream().map(ForwardParameter::kind).toList());
    }

    @Test
    void nestedGenericAndInheritingClasses() {
        Map<String, ModuleModel> models = models(JavaFileObjects.forSourceString("p.Outer", """
                package p;
                import dev.kiln.annotations.*;
                import dev.kiln.nn.Module;
                import dev.kiln.tensor.Tensor;
                public class Outer {
                    public static class Residual<M extends Module> extends Module {
                        @Layer M inner;
                        @Forward Tensor forward(Tensor x) { return x; }
                    }
                    public abstract static class Base extends Module { @Param Tensor w; }
                    public static class Plain extends Base {}
                    public static class Sub extends Plain { @Param Tensor v; }
                }
                """), "p.Outer.Residual", "p.Outer.Base", "p.Outer.Sub");
        ModuleModel residual = models.get("p.Outer.Residual");
        assertEquals(ClassName.get("p", "Outer_Residual_Module"), residual.structureClass());
        assertEquals("p.Outer.Residual<?>", residual.moduleType().toString());
        assertEquals(List.of(new LayerMember("inner", LayerShape.SINGLE, false)), residual.members());

        assertInstanceOf(ForwardModel.None.class, models.get("p.Outer.Base").forward());
        ModuleModel sub = models.get("p.Outer.Sub");
        assertEquals(Optional.of(ClassName.get("p", "Outer_Base_Module")), sub.superStructure(),
                "the nearest superclass with Kiln annotations, skipping Plain");
        assertInstanceOf(ForwardModel.Inherited.class, sub.forward());
    }
}
