package dev.kiln.processor.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.annotations.spec.OpSpec;
import dev.kiln.annotations.spec.OpTable;
import dev.kiln.processor.model.ModuleModel;
import dev.kiln.processor.model.ir.ForwardIr;
import dev.kiln.processor.model.ir.Operand;
import dev.kiln.processor.model.ir.Step;
import dev.kiln.processor.model.ir.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code Foo_Compiled}: the forward of a {@link ForwardIr}, which records nothing and keeps in
 * a nested {@code Call} frame exactly what the backward reads (dropped with the tape's node), and that
 * frame's backward, the
 * reverse-mode adjoint of the IR. Gradients are named after the user's variables ({@code h} has
 * {@code gradH}); each derivative is a call of the runtime's generated {@code Derivatives}, the same
 * method eager autograd calls; an op the table lacks and a child runs on a private eager tape.
 */
public final class CompiledWriter {
    static final ClassName COMPILED_MODULE = ClassName.get("dev.kiln.compiled", "CompiledModule");
    static final ClassName FRAME = ClassName.get("dev.kiln.compiled", "Frame");
    static final ClassName EAGER_FRAME = ClassName.get("dev.kiln.compiled", "EagerFrame");
    static final ClassName COMPILED = ClassName.get("dev.kiln.compiled", "Compiled");
    static final ClassName GRAD_SINK = ClassName.get("dev.kiln.compiled", "GradSink");
    static final ClassName DERIVATIVES = ClassName.get("dev.kiln.ops", "Derivatives");
    private static final TypeName TENSOR_ARRAY = com.palantir.javapoet.ArrayTypeName.of(RuntimeNames.TENSOR);

    private final OpTable table;

    public CompiledWriter(OpTable table) {
        this.table = table;
    }

    /** The name of the compiled class of {@code model}: {@code Foo_Compiled} beside {@code Foo_Module}. */
    public static ClassName compiledName(ModuleModel model) {
        String structure = model.structureClass().simpleName();
        return model.structureClass().peerClass(structure.substring(0, structure.length() - "_Module".length())
                + "_Compiled");
    }

    /** The compiled class of {@code model}, whose forward body read into {@code ir}. */
    public TypeSpec write(ModuleModel model, ForwardIr ir, String signature) {
        ClassName name = compiledName(model);
        List<TypeSpec> loopClasses = new ArrayList<>();
        Emitter e = new Emitter(model, "call", loopClasses);
        e.forward(ir);
        e.backward(ir);
        TypeSpec.Builder call = TypeSpec.classBuilder("Call")
                .addModifiers(Modifier.STATIC, Modifier.FINAL)
                .superclass(FRAME)
                .addJavadoc("One call of {@code $L}: the values its backward reads.\n",
                        signature)
                .addField(FieldSpec.builder(model.moduleType(), "module", Modifier.FINAL).build())
                .addFields(e.fieldSpecs())
                .addMethod(MethodSpec.constructorBuilder()
                        .addParameter(model.moduleType(), "module")
                        .addStatement("this.module = module")
                        .build());
        if (ir.resultRecord() == null) {
            call.addMethod(finish(RuntimeNames.TENSOR, "out", TypeName.BOOLEAN, "outNeedsGrad", "output",
                    "outputNeedsGrad"))
                    .addMethod(frameBackward(RuntimeNames.TENSOR, "gradOutput").addCode(e.backwardCode.build())
                            .build());
        } else {
            // A record of tensors: the frame has one output per component, and its backward takes their gradients.
            List<String> firstAlone = new ArrayList<>(List.of("gradOutput"));
            for (int i = 1; i < ir.resultCount(); i++) {
                firstAlone.add("null");
            }
            call.addMethod(finish(TENSOR_ARRAY, "outs", TypeName.get(boolean[].class), "outsNeedGrad", "outputs",
                    "outputsNeedGrad"))
                    .addMethod(frameBackward(RuntimeNames.TENSOR, "gradOutput")
                            .addJavadoc("The gradients of the inputs from that of the first output alone.\n")
                            .addStatement("return backward(new $T[] {$L}, sink)", RuntimeNames.TENSOR,
                                    String.join(", ", firstAlone))
                            .build())
                    .addMethod(frameBackward(TENSOR_ARRAY, "gradOutputs").addCode(e.backwardCode.build()).build());
        }
        MethodSpec forward = MethodSpec.methodBuilder("forward")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(FRAME)
                .addParameter(model.moduleType(), "module")
                .addParameter(TENSOR_ARRAY, "inputs")
                .addParameter(boolean[].class, "needsGrad")
                .addCode(e.forwardCode.build())
                .build();
        return TypeSpec.classBuilder(name)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(ParameterizedTypeName.get(COMPILED_MODULE, model.moduleType()))
                .addJavadoc("The compiled forward and backward of {@code $L}, generated from its body: one node on the "
                        + "autograd tape per call.\n", signature)
                .addField(FieldSpec.builder(name, "INSTANCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .initializer("new $T()", name)
                        .build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(forward)
                .addType(call.build())
                .addTypes(loopClasses)
                .build();
    }

    /**
     * Emits the forward and the backward of one IR, or of one loop body: its saved values are fields of
     * the frame named {@code self} ({@code call}, or the iteration {@code it1} of a loop).
     */
    private final class Emitter {
        final ModuleModel model;
        final String self;
        final List<TypeSpec> loopClasses;
        final CodeBlock.Builder forwardCode = CodeBlock.builder();
        final CodeBlock.Builder backwardCode = CodeBlock.builder();
        final Map<String, TypeName> fields = new LinkedHashMap<>();
        final List<Value> locals = new ArrayList<>();
        /** The arrays this frame declares: its backward declares their gradient arrays. */
        final List<Step.NewArray> arrays = new ArrayList<>();
        /** How many saved array indices this frame names after their array. */
        int indices;

        Emitter(ModuleModel model, String self, List<TypeSpec> loopClasses) {
            this.model = model;
            this.self = self;
            this.loopClasses = loopClasses;
        }

        String p() {
            return self + ".";
        }

        List<FieldSpec> fieldSpecs() {
            List<FieldSpec> specs = new ArrayList<>();
            fields.forEach((n, t) -> specs.add(FieldSpec.builder(t, n).build()));
            return specs;
        }

        void field(String name, TypeName type) {
            fields.putIfAbsent(name, type);
        }

        // ------------------------------------------------------------ forward

        void forward(ForwardIr ir) {
            forwardCode.addStatement("Call call = new Call(module)");
            for (int i = 0; i < ir.inputs().size(); i++) {
                Value in = ir.inputs().get(i);
                forwardCode.addStatement("$T $N = inputs[$L]", RuntimeNames.TENSOR, in.name(), i);
                field(flag(in), TypeName.BOOLEAN);
                forwardCode.addStatement("call.$N = needsGrad[$L]", flag(in), i);
                locals.add(in);
            }
            for (Step s : ir.steps()) {
                forwardStep(s, forwardCode);
            }
            if (ir.resultRecord() != null) {
                forwardCode.addStatement("return call.finish($N, $N)", ir.result().name(), flag(ir.result()));
            } else {
                forwardCode.addStatement("return call.finish($L, $L)", ref(ir.result()), needs(ir.result(), "call."));
            }
        }

        void forwardStep(Step step, CodeBlock.Builder code) {
            if (step instanceof Step.Scalar s) {
                code.addStatement("final $L $N = $L", s.type(), s.name(), s.source());
            } else if (step instanceof Step.Op op) {
                forwardOp(op, code);
            } else if (step instanceof Step.Child c) {
                List<String> args = new ArrayList<>();
                List<String> flags = new ArrayList<>();
                for (Value a : c.args()) {
                    args.add(ref(a));
                    flags.add(needs(a, p()));
                }
                CodeBlock call = c.then() != null
                        ? CodeBlock.of("$T.childReluThen($L, $L, new $T[] {$L}, new boolean[] {$L})", COMPILED, c.child(),
                                c.then(), RuntimeNames.TENSOR, String.join(", ", args), String.join(", ", flags))
                        : CodeBlock.of("$T.$N($L, new $T[] {$L}, new boolean[] {$L})", COMPILED,
                                c.relu() ? "childRelu" : "child", c.child(),
                                RuntimeNames.TENSOR, String.join(", ", args), String.join(", ", flags));
                eagerResult(c.out(), call, code);
            } else if (step instanceof Step.Select sel) {
                field(sel.id(), TypeName.BOOLEAN);
                code.addStatement("$L$N = $L", p(), sel.id(), sel.condition());
                for (Step.Merge m : sel.merges()) {
                    field(flag(m.out()), TypeName.BOOLEAN);
                    code.addStatement("$T $N", RuntimeNames.TENSOR, m.out().name());
                    locals.add(m.out());
                }
                code.beginControlFlow("if ($L$N)", p(), sel.id());
                branch(sel.thenSteps(), sel.merges(), true, code);
                code.nextControlFlow("else");
                branch(sel.elseSteps(), sel.merges(), false, code);
                code.endControlFlow();
            } else if (step instanceof Step.Loop loop) {
                forwardLoop(loop, code);
            } else if (step instanceof Step.Guard guard) {
                code.beginControlFlow("if ($L)", guard.condition());
                code.addStatement("throw $L", guard.exception());
                code.endControlFlow();
            } else if (step instanceof Step.Check check) {
                code.addStatement("$L", check.source());
            } else if (step instanceof Step.NewArray a) {
                forwardNewArray(a, code);
            } else if (step instanceof Step.Store st) {
                String array = st.array().name();
                code.addStatement("$N[$L] = $L", array, st.index(), ref(st.value()));
                code.addStatement("$N[$L] = $L", flag(st.array()), st.index(), needs(st.value(), p()));
                String saved = savedIndex(st.index(), array);
                if (saved != null) {
                    code.addStatement("$L$N = $L", p(), saved, st.index());
                }
            } else if (step instanceof Step.Load load) {
                Value out = load.out();
                code.addStatement("$T $N = $N[$L]", RuntimeNames.TENSOR, out.name(), load.array().name(), load.index());
                locals.add(out);
                field(flag(out), TypeName.BOOLEAN);
                code.addStatement("$L$N = $N[$L]", p(), flag(out), flag(load.array()), load.index());
                String saved = savedIndex(load.index(), out.name());
                if (saved != null) {
                    code.addStatement("$L$N = $L", p(), saved, load.index());
                }
            }
        }

        /**
         * {@code Tensor[] a = new Tensor[n]} or {@code = {x, y}}, beside {@code boolean[] nA}: which elements need
         * a gradient. The frame keeps the length, with which the backward allocates the gradient array.
         */
        void forwardNewArray(Step.NewArray a, CodeBlock.Builder code) {
            String name = a.array().name();
            arrays.add(a);
            if (a.length() != null) {
                code.addStatement("$T[] $N = new $T[$L]", RuntimeNames.TENSOR, name, RuntimeNames.TENSOR, a.length());
                code.addStatement("boolean[] $N = new boolean[$N.length]", flag(a.array()), name);
                field(name + "Length", TypeName.INT);
                code.addStatement("$L$N = $N.length", p(), name + "Length", name);
                return;
            }
            List<String> refs = new ArrayList<>();
            List<String> flags = new ArrayList<>();
            for (Value v : a.elements()) {
                refs.add(ref(v));
                flags.add(needs(v, p()));
            }
            code.addStatement("$T[] $N = {$L}", RuntimeNames.TENSOR, name, elements(refs));
            code.addStatement("boolean[] $N = {$L}", flag(a.array()), elements(flags));
        }

        /** An array initializer's elements: on one line, or one a line when that line would be long. */
        CodeBlock elements(List<String> elements) {
            String line = String.join(", ", elements);
            if (line.length() <= 80) {
                return CodeBlock.of("$L", line);
            }
            return CodeBlock.of("\n$L", String.join(",\n", elements));
        }

        /**
         * The frame field that keeps an array index for the backward, declared; null for a literal index.
         * A plain local keeps its name ({@code t}); an expression is named after {@code owner}.
         */
        String savedIndex(String index, String owner) {
            if (index.matches("\\d+")) {
                return null;
            }
            String name = index.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? index : owner + "Index";
            if (!index.equals(name) && fields.containsKey(name)) {
                name = owner + "Index" + (++indices);
            }
            field(name, TypeName.INT);
            return name;
        }

        void branch(List<Step> steps, List<Step.Merge> merges, boolean then, CodeBlock.Builder code) {
            for (Step s : steps) {
                forwardStep(s, code);
            }
            for (Step.Merge m : merges) {
                Value value = then ? m.thenValue() : m.elseValue();
                code.addStatement("$N = $L", m.out().name(), ref(value));
                code.addStatement("$L$N = $L", p(), flag(m.out()), needs(value, p()));
            }
        }

        /**
         * A loop, unrolled at run time: each iteration is an object of the nested class {@code Loop1}
         * that holds what that iteration's backward reads and carries the body's backward.
         */
        void forwardLoop(Step.Loop loop, CodeBlock.Builder code) {
            String it = "it" + loop.id().substring("loop".length());
            ClassName iteration = compiledName(model).nestedClass(capital(loop.id()));
            TypeName list = ParameterizedTypeName.get(ClassName.get(List.class), iteration);
            field(loop.id(), list);
            code.addStatement("$L$N = new $T<>()", p(), loop.id(), ArrayList.class);
            for (Step.Carried c : loop.carried()) {
                code.addStatement("$T $N = $L", RuntimeNames.TENSOR, c.phi().name(), ref(c.init()));
                field(flag(c.phi()), TypeName.BOOLEAN);
                code.addStatement("$L$N = $L", p(), flag(c.phi()), needs(c.init(), p()));
                locals.add(c.phi());
            }
            Emitter body = new Emitter(model, it, loopClasses);
            List<Value> bodyInputs = loopInputs(loop);
            code.beginControlFlow("for ($L)", loop.header());
            code.addStatement("$T $N = new $T(module)", iteration, it, iteration);
            code.addStatement("$L$N.add($N)", p(), loop.id(), it);
            for (Value in : bodyInputs) {
                body.field(flag(in), TypeName.BOOLEAN);
                body.locals.add(in);
                code.addStatement("$N.$N = $L", it, flag(in), needs(in, p()));
            }
            for (Step s : loop.body()) {
                body.forwardStep(s, code);
            }
            for (Step.Carried c : loop.carried()) {
                if (c.next().equals(c.phi())) {
                    // Assigned only in a branch decided away when the body was read: it keeps its value.
                    continue;
                }
                code.addStatement("$N = $L", c.phi().name(), body.ref(c.next()));
                code.addStatement("$L$N = $L", p(), flag(c.phi()), body.needs(c.next(), it + "."));
            }
            code.endControlFlow();
            body.loopBackward(loop, bodyInputs);
            MethodSpec.Builder backward = MethodSpec.methodBuilder("backward")
                    .returns(TENSOR_ARRAY)
                    .addParameter(TENSOR_ARRAY, "gradNext");
            List<Value> outerArrays = loopArrays(loop);
            for (Value a : outerArrays) {
                backward.addParameter(TENSOR_ARRAY, grad(a));
            }
            backward.addParameter(GRAD_SINK, "sink")
                    .addJavadoc("The gradients of the carried values at the start of the iteration, then of "
                            + "the outer values it reads, from those at its end.\n")
                    .addCode(body.backwardCode.build());
            if (!outerArrays.isEmpty()) {
                backward.addJavadoc("The gradients of the outer arrays' elements change in place: an element it "
                        + "wrote hands its gradient on and is cleared, one it read adds to its gradient.\n");
            }
            loopClasses.add(TypeSpec.classBuilder(iteration)
                    .addModifiers(Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("One iteration of the loop on line $L: the values its backward reads.\n", loop.line())
                    .addField(FieldSpec.builder(model.moduleType(), "module", Modifier.FINAL).build())
                    .addFields(body.fieldSpecs())
                    .addMethod(MethodSpec.constructorBuilder()
                            .addParameter(model.moduleType(), "module")
                            .addStatement("this.module = module")
                            .build())
                    .addMethod(backward.build())
                    .build());
        }

        /** What a loop body reads: the carried values' phis, then the outer tensors it reads. */
        List<Value> loopInputs(Step.Loop loop) {
            Set<Value> defined = new LinkedHashSet<>();
            Set<Value> read = new LinkedHashSet<>();
            scan(loop.body(), defined, read);
            List<Value> inputs = new ArrayList<>();
            for (Step.Carried c : loop.carried()) {
                inputs.add(c.phi());
            }
            for (Value v : read) {
                if (!defined.contains(v) && !inputs.contains(v)
                        && (v.kind() == Value.Kind.INPUT || v.kind() == Value.Kind.LOCAL)) {
                    inputs.add(v);
                }
            }
            return inputs;
        }

        void scan(List<Step> steps, Set<Value> defined, Set<Value> read) {
            for (Step step : steps) {
                if (step instanceof Step.Op op) {
                    read.addAll(tensorOperands(op));
                    defined.add(op.out());
                } else if (step instanceof Step.Child c) {
                    read.addAll(c.args());
                    defined.add(c.out());
                } else if (step instanceof Step.Select sel) {
                    scan(sel.thenSteps(), defined, read);
                    scan(sel.elseSteps(), defined, read);
                    for (Step.Merge m : sel.merges()) {
                        read.add(m.thenValue());
                        read.add(m.elseValue());
                        defined.add(m.out());
                    }
                } else if (step instanceof Step.Loop loop) {
                    for (Step.Carried c : loop.carried()) {
                        read.add(c.init());
                        defined.add(c.phi());
                    }
                    scan(loop.body(), defined, read);
                } else if (step instanceof Step.NewArray a) {
                    read.addAll(a.elements());
                    defined.add(a.array());
                } else if (step instanceof Step.Store st) {
                    read.add(st.value());
                    read.add(st.array());
                } else if (step instanceof Step.Load load) {
                    read.add(load.array());
                    defined.add(load.out());
                }
                if (step instanceof Step.Op op && arrayOperand(op) != null) {
                    read.add(arrayOperand(op));
                }
            }
        }

        /** The arrays declared outside a loop that its body reads or writes: their gradients are passed in. */
        List<Value> loopArrays(Step.Loop loop) {
            Set<Value> defined = new LinkedHashSet<>();
            Set<Value> read = new LinkedHashSet<>();
            scan(loop.body(), defined, read);
            List<Value> arrays = new ArrayList<>();
            for (Value v : read) {
                if (v.kind() == Value.Kind.ARRAY && !defined.contains(v)) {
                    arrays.add(v);
                }
            }
            return arrays;
        }

        void forwardOp(Step.Op op, CodeBlock.Builder code) {
            OpSpec spec = op.opId() == null ? null : table.byId(op.opId());
            Value array = arrayOperand(op);
            if (array != null) {
                // The array's elements as they are now are the frame's inputs: each gets its gradient back.
                CodeBlock lambda = CodeBlock.of("leaves -> $L", render(op, v -> "leaves"));
                eagerResult(op.out(), CodeBlock.of("$T.run($N, $N, $T.of(), $L)", EAGER_FRAME, array.name(),
                        flag(array), List.class, lambda), code);
                return;
            }
            if (spec == null) {
                List<String> args = new ArrayList<>();
                List<String> flags = new ArrayList<>();
                List<Value> tensors = tensorOperands(op);
                for (Value v : tensors) {
                    args.add(ref(v));
                    flags.add(needs(v, p()));
                }
                CodeBlock lambda = CodeBlock.of("leaves -> $L", render(op, v -> "leaves[" + tensors.indexOf(v) + "]"));
                eagerResult(op.out(), CodeBlock.of("$T.run(new $T[] {$L}, new boolean[] {$L}, $T.of(), $L)", EAGER_FRAME,
                        RuntimeNames.TENSOR, String.join(", ", args), String.join(", ", flags), List.class, lambda), code);
                return;
            }
            Value out = op.out();
            code.addStatement("$T $N = $L", RuntimeNames.TENSOR, out.name(), render(op, this::ref));
            locals.add(out);
            field(flag(out), TypeName.BOOLEAN);
            List<String> flags = new ArrayList<>();
            for (Value v : tensorOperands(op)) {
                flags.add(needs(v, p()));
            }
            code.addStatement("$L$N = $L", p(), flag(out), flags.isEmpty() ? "false" : String.join(" || ", flags));
            for (OpSpec.Grad grad : spec.grads()) {
                Value input = operandValue(op, spec, grad.input());
                if (input == null || input.kind() == Value.Kind.CONSTANT) {
                    continue;
                }
                List<CodeBlock> saves = new ArrayList<>();
                for (String use : grad.uses()) {
                    String field = savedField(op, spec, use);
                    if (field == null) {
                        continue;
                    }
                    saves.add(CodeBlock.of("$L$N = $L;\n", p(), field, savedSource(op, spec, use)));
                }
                if (!saves.isEmpty()) {
                    code.beginControlFlow("if ($L)", needs(input, p()));
                    saves.forEach(code::add);
                    code.endControlFlow();
                }
            }
        }

        /** A step run through a frame (a child, or an op outside the table): its output and flag. */
        void eagerResult(Value out, CodeBlock frame, CodeBlock.Builder code) {
            String frameField = out.name() + "Frame";
            field(frameField, FRAME);
            field(flag(out), TypeName.BOOLEAN);
            code.addStatement("$L$N = $L", p(), frameField, frame);
            code.addStatement("$T $N = $L$N.output()", RuntimeNames.TENSOR, out.name(), p(), frameField);
            code.addStatement("$L$N = $L$N.outputNeedsGrad()", p(), flag(out), p(), frameField);
            locals.add(out);
        }

        // ------------------------------------------------------------ backward

        void backward(ForwardIr ir) {
            List<Value> all = new ArrayList<>(locals);
            for (Value v : all) {
                backwardCode.addStatement("$T $N = null", RuntimeNames.TENSOR, grad(v));
            }
            declareGradArrays(backwardCode);
            if (ir.resultRecord() != null) {
                backwardCode.addStatement("$T.accumulateAll($N, gradOutputs)", FRAME, grad(ir.result()));
            } else {
                route(ir.result(), CodeBlock.of("gradOutput"), backwardCode);
            }
            List<CodeBlock> blocks = new ArrayList<>();
            Map<String, Integer> lastReader = new LinkedHashMap<>();
            for (int i = 0; i < ir.steps().size(); i++) {
                CodeBlock.Builder b = CodeBlock.builder();
                List<String> read = new ArrayList<>();
                backwardStep(ir.steps().get(i), b, read);
                blocks.add(b.build());
                for (String field : read) {
                    lastReader.putIfAbsent(field, i); // the backward runs the steps in reverse
                }
            }
            for (int i = ir.steps().size() - 1; i >= 0; i--) {
                backwardCode.add(blocks.get(i));
                if (i > 0) { // after the first step's backward, the caller drops the whole frame
                    releaseAfter(i, lastReader, backwardCode);
                }
            }
            List<String> grads = new ArrayList<>();
            for (Value in : ir.inputs()) {
                grads.add(grad(in));
            }
            backwardCode.addStatement("return new $T[] {$L}", RuntimeNames.TENSOR, String.join(", ", grads));
        }

        /**
         * After the backward of step {@code step}, a backward that is the last through this frame drops the
         * saved tensors and child frames that no earlier step reads ({@code lastReader}: the first step of
         * the forward to read each field, which is the last of the backward).
         */
        void releaseAfter(int step, Map<String, Integer> lastReader, CodeBlock.Builder code) {
            List<String> released = new ArrayList<>();
            lastReader.forEach((field, reader) -> {
                TypeName type = fields.get(field);
                if (reader == step && (RuntimeNames.TENSOR.equals(type) || FRAME.equals(type))) {
                    released.add(field);
                }
            });
            if (released.isEmpty()) {
                return;
            }
            code.beginControlFlow("if (sink.freesSavedValues())");
            for (String field : released) {
                code.addStatement("$N = null", field);
            }
            code.endControlFlow();
        }

        /** The backward of a loop body, as the iteration class's method. */
        void loopBackward(Step.Loop loop, List<Value> inputs) {
            for (Value v : locals) {
                backwardCode.addStatement("$T $N = null", RuntimeNames.TENSOR, grad(v));
            }
            declareGradArrays(backwardCode);
            for (int j = 0; j < loop.carried().size(); j++) {
                route(loop.carried().get(j).next(), CodeBlock.of("gradNext[$L]", j), backwardCode);
            }
            for (int i = loop.body().size() - 1; i >= 0; i--) {
                backwardStep(loop.body().get(i), backwardCode, new ArrayList<>());
            }
            List<String> grads = new ArrayList<>();
            for (Value in : inputs) {
                grads.add(grad(in));
            }
            backwardCode.addStatement("return new $T[] {$L}", RuntimeNames.TENSOR, String.join(", ", grads));
        }

        /** {@code Tensor[] gradA = new Tensor[aLength]} for each array this frame declares. */
        void declareGradArrays(CodeBlock.Builder code) {
            for (Step.NewArray a : arrays) {
                String name = a.array().name();
                code.addStatement("$T[] $N = new $T[$L]", RuntimeNames.TENSOR, grad(a.array()), RuntimeNames.TENSOR,
                        a.length() != null ? name + "Length" : String.valueOf(a.elements().size()));
            }
        }

        void backwardStep(Step step, CodeBlock.Builder code, List<String> read) {
            if (step instanceof Step.NewArray a) {
                for (int j = 0; j < a.elements().size(); j++) {
                    Value v = a.elements().get(j);
                    if (noGrad(v)) {
                        continue;
                    }
                    CodeBlock element = CodeBlock.of("$N[$L]", grad(a.array()), j);
                    if (v.kind() == Value.Kind.PARAM) {
                        route(v, element, code);
                    } else {
                        code.beginControlFlow("if ($L)", needs(v, ""));
                        route(v, element, code);
                        code.endControlFlow();
                    }
                }
                return;
            }
            if (step instanceof Step.Store st) {
                String index = savedIndexRef(st.index(), st.array().name());
                if (!noGrad(st.value())) {
                    CodeBlock element = CodeBlock.of("$N[$L]", grad(st.array()), index);
                    if (st.value().kind() == Value.Kind.PARAM) {
                        route(st.value(), element, code);
                    } else {
                        code.beginControlFlow("if ($L)", needs(st.value(), ""));
                        route(st.value(), element, code);
                        code.endControlFlow();
                    }
                }
                // The element was overwritten here: what the array held before gets none of this gradient.
                code.addStatement("$N[$L] = null", grad(st.array()), index);
                return;
            }
            if (step instanceof Step.Load load) {
                String index = savedIndexRef(load.index(), load.out().name());
                code.beginControlFlow("if ($N != null)", grad(load.out()));
                code.addStatement("$N[$L] = $T.accumulate($N[$L], $N)", grad(load.array()), index, FRAME,
                        grad(load.array()), index, grad(load.out()));
                code.endControlFlow();
                return;
            }
            if (step instanceof Step.Op op && arrayOperand(op) != null) {
                String frameField = op.out().name() + "Frame";
                read.add(frameField);
                code.beginControlFlow("if ($N != null)", grad(op.out()));
                code.addStatement("$T.accumulateAll($N, $N.backward($N, sink))", FRAME, grad(arrayOperand(op)),
                        frameField, grad(op.out()));
                code.endControlFlow();
                return;
            }
            if (step instanceof Step.Op op) {
                OpSpec spec = op.opId() == null ? null : table.byId(op.opId());
                if (spec == null) {
                    // An op that reads no tensor that can take a gradient (Tensor.zeros) has no backward to run.
                    if (tensorOperands(op).stream().anyMatch(v -> !noGrad(v))) {
                        frameBackward(op.out(), tensorOperands(op), code, read);
                    }
                    return;
                }
                code.beginControlFlow("if ($N != null)", grad(op.out()));
                for (OpSpec.Grad g : spec.grads()) {
                    Value input = operandValue(op, spec, g.input());
                    if (input == null || noGrad(input)) {
                        continue;
                    }
                    List<String> args = new ArrayList<>();
                    args.add(grad(op.out()));
                    for (String use : g.uses()) {
                        String field = savedField(op, spec, use);
                        if (field != null) {
                            read.add(field);
                            args.add(field);
                        } else {
                            args.add(backwardRef(operandValue(op, spec, use)));
                        }
                    }
                    CodeBlock value = CodeBlock.of("$T.$N($L)", DERIVATIVES, spec.methodName(g), String.join(", ", args));
                    code.beginControlFlow("if ($L)", needs(input, ""));
                    route(input, value, code);
                    code.endControlFlow();
                }
                code.endControlFlow();
            } else if (step instanceof Step.Child c) {
                frameBackward(c.out(), c.args(), code, read);
            } else if (step instanceof Step.Select sel) {
                CodeBlock.Builder thenCode = CodeBlock.builder();
                branchBackward(sel.thenSteps(), sel.merges(), true, thenCode, read);
                CodeBlock.Builder elseCode = CodeBlock.builder();
                branchBackward(sel.elseSteps(), sel.merges(), false, elseCode, read);
                // A branch with nothing to differentiate (it returned null, a buffer) writes no empty block.
                if (thenCode.isEmpty() && elseCode.isEmpty()) {
                    return;
                }
                code.beginControlFlow(thenCode.isEmpty() ? "if (!$N)" : "if ($N)", sel.id());
                code.add(thenCode.isEmpty() ? elseCode.build() : thenCode.build());
                if (!thenCode.isEmpty() && !elseCode.isEmpty()) {
                    code.nextControlFlow("else");
                    code.add(elseCode.build());
                }
                code.endControlFlow();
            } else if (step instanceof Step.Loop loop) {
                List<Value> inputs = loopInputs(loop);
                List<Value> outerArrays = loopArrays(loop);
                String k = "k" + loop.id().substring("loop".length());
                List<String> carriedGrads = new ArrayList<>();
                List<String> anyGrad = new ArrayList<>();
                for (Step.Carried c : loop.carried()) {
                    carriedGrads.add(grad(c.phi()));
                    anyGrad.add(grad(c.phi()) + " != null");
                }
                if (outerArrays.isEmpty()) {
                    code.beginControlFlow("for (int $N = $N.size() - 1; $N >= 0 && ($L); $N--)", k, loop.id(), k,
                            anyGrad.isEmpty() ? "false" : String.join(" || ", anyGrad), k);
                } else {
                    // A gradient may reach any iteration through the elements it wrote.
                    code.beginControlFlow("for (int $N = $N.size() - 1; $N >= 0; $N--)", k, loop.id(), k, k);
                }
                String in = "grad" + capital(loop.id()) + "In";
                StringBuilder arrayArgs = new StringBuilder();
                for (Value a : outerArrays) {
                    arrayArgs.append(grad(a)).append(", ");
                }
                code.addStatement("$T[] $N = $N.get($N).backward(new $T[] {$L}, $Lsink)", RuntimeNames.TENSOR, in,
                        loop.id(), k, RuntimeNames.TENSOR, String.join(", ", carriedGrads), arrayArgs);
                code.beginControlFlow("if (sink.freesSavedValues())");
                code.addStatement("$N.set($N, null)", loop.id(), k);
                code.endControlFlow();
                for (int i = 0; i < inputs.size(); i++) {
                    if (i < loop.carried().size()) {
                        code.addStatement("$N = $N[$L]", grad(inputs.get(i)), in, i);
                    } else {
                        route(inputs.get(i), CodeBlock.of("$N[$L]", in, i), code);
                    }
                }
                code.endControlFlow();
                for (Step.Carried c : loop.carried()) {
                    if (c.init().kind() == Value.Kind.NULL) {
                        continue;
                    }
                    code.beginControlFlow("if ($N != null && $L)", grad(c.phi()), needs(c.init(), ""));
                    route(c.init(), CodeBlock.of("$N", grad(c.phi())), code);
                    code.endControlFlow();
                }
            }
        }

        void branchBackward(List<Step> steps, List<Step.Merge> merges, boolean then, CodeBlock.Builder code,
                List<String> read) {
            for (Step.Merge m : merges) {
                Value value = then ? m.thenValue() : m.elseValue();
                if (value.kind() == Value.Kind.NULL) {
                    continue;
                }
                code.beginControlFlow("if ($N != null && $L)", grad(m.out()), needs(value, ""));
                route(value, CodeBlock.of("$N", grad(m.out())), code);
                code.endControlFlow();
            }
            for (int i = steps.size() - 1; i >= 0; i--) {
                backwardStep(steps.get(i), code, read);
            }
        }

        void frameBackward(Value out, List<Value> args, CodeBlock.Builder code, List<String> read) {
            String frameField = out.name() + "Frame";
            read.add(frameField);
            code.beginControlFlow("if ($N != null)", grad(out));
            code.addStatement("$T[] $N = $N.backward($N, sink)", RuntimeNames.TENSOR, grad(out) + "In", frameField,
                    grad(out));
            for (int i = 0; i < args.size(); i++) {
                Value a = args.get(i);
                if (a.kind() == Value.Kind.CONSTANT) {
                    continue;
                }
                route(a, CodeBlock.of("$N[$L]", grad(out) + "In", i), code);
            }
            code.endControlFlow();
        }

        /** Adds {@code value} into the gradient of {@code v}: a backward local, or the sink for a parameter. */
        void route(Value v, CodeBlock value, CodeBlock.Builder code) {
            switch (v.kind()) {
                case PARAM -> code.addStatement("sink.add(module.$N, $L)", v.name(), value);
                case CONSTANT, NULL -> { }
                default -> code.addStatement("$N = $T.accumulate($N, $L)", grad(v), FRAME, grad(v), value);
            }
        }

        // ------------------------------------------------------------ names

        String ref(Value v) {
            return v.kind() == Value.Kind.PARAM || v.kind() == Value.Kind.CONSTANT ? "module." + v.name() : v.name();
        }

        String backwardRef(Value v) {
            return "module." + v.name();
        }

        /** Whether {@code v} needs a gradient, read in the forward ({@code call.}) or the backward (""). */
        String needs(Value v, String prefix) {
            return switch (v.kind()) {
                case PARAM -> prefix.isEmpty() ? "sink.wants(module." + v.name() + ")"
                        : "Frame.needsGrad(module." + v.name() + ")";
                case CONSTANT, NULL -> "false";
                default -> prefix + flag(v);
            };
        }

        /** Whether {@code v} never has a gradient: a buffer, a plain tensor field, or {@code null}. */
        boolean noGrad(Value v) {
            return v.kind() == Value.Kind.CONSTANT || v.kind() == Value.Kind.NULL;
        }

        /** The backward's expression of an index the forward saved ({@link #savedIndex}). */
        String savedIndexRef(String index, String owner) {
            if (index.matches("\\d+")) {
                return index;
            }
            return index.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? index : owner + "Index";
        }

        /** The array an op reads whole ({@code Ops.stack(List.of(perStep), 0)}), or null. */
        Value arrayOperand(Step.Op op) {
            for (Operand o : op.operands()) {
                if (o instanceof Operand.TensorArray a) {
                    // Ops.stack and Ops.concat, the ops that take a List<Tensor>, read no other tensor.
                    if (!tensorOperands(op).isEmpty()) {
                        throw new IllegalStateException(op.method() + " reads a Tensor[] and other tensors");
                    }
                    return a.array();
                }
            }
            return null;
        }

        String flag(Value v) {
            return "n" + capital(v.name());
        }

        String grad(Value v) {
            return "grad" + capital(v.name());
        }

        List<Value> tensorOperands(Step.Op op) {
            List<Value> values = new ArrayList<>();
            for (Operand o : op.operands()) {
                List<Value> read = o instanceof Operand.TensorArg t ? List.of(t.value())
                        : o instanceof Operand.TensorList l ? l.values() : List.of();
                for (Value v : read) {
                    if (!values.contains(v)) {
                        values.add(v);
                    }
                }
            }
            return values;
        }

        Value operandValue(Step.Op op, OpSpec spec, String param) {
            int i = indexOf(spec, param);
            return i >= 0 && op.operands().get(i) instanceof Operand.TensorArg t ? t.value() : null;
        }

        int indexOf(OpSpec spec, String param) {
            for (int i = 0; i < spec.params().size(); i++) {
                if (spec.params().get(i).name().equals(param)) {
                    return i;
                }
            }
            return -1;
        }

        /** The frame field holding what {@code use} names for this op, declaring it; null for a module field. */
        String savedField(Step.Op op, OpSpec spec, String use) {
            if (use.equals("out")) {
                field(op.out().name(), RuntimeNames.TENSOR);
                return op.out().name();
            }
            if (spec.param(use) == null && use.endsWith("Shape")) {
                Value v = operandValue(op, spec, use.substring(0, use.length() - "Shape".length()));
                field(v.name() + "Shape", TypeName.get(int[].class));
                return v.name() + "Shape";
            }
            int i = indexOf(spec, use);
            if (op.operands().get(i) instanceof Operand.TensorArg t) {
                if (t.value().kind() == Value.Kind.PARAM || t.value().kind() == Value.Kind.CONSTANT) {
                    return null;
                }
                field(t.value().name(), RuntimeNames.TENSOR);
                return t.value().name();
            }
            String name = op.out().name() + capital(use);
            field(name, scalarType(spec.param(use).type()));
            return name;
        }

        String savedSource(Step.Op op, OpSpec spec, String use) {
            if (use.equals("out")) {
                return op.out().name();
            }
            if (spec.param(use) == null && use.endsWith("Shape")) {
                return ref(operandValue(op, spec, use.substring(0, use.length() - "Shape".length()))) + ".shape()";
            }
            Operand o = op.operands().get(indexOf(spec, use));
            return o instanceof Operand.TensorArg t ? ref(t.value()) : ((Operand.ScalarArg) o).source();
        }

        TypeName scalarType(String type) {
            return switch (type) {
                case "double" -> TypeName.DOUBLE;
                case "int" -> TypeName.INT;
                case "boolean" -> TypeName.BOOLEAN;
                case "int[]" -> TypeName.get(int[].class);
                default -> throw new IllegalArgumentException("derivatives.txt: unsupported parameter type " + type);
            };
        }

        /** The forward call, as the user wrote it: a Tensor method or a qualified static call. */
        String render(Step.Op op, java.util.function.Function<Value, String> tensorRef) {
            List<String> args = new ArrayList<>();
            for (Operand o : op.operands()) {
                if (o instanceof Operand.TensorArg t) {
                    args.add(tensorRef.apply(t.value()));
                } else if (o instanceof Operand.TensorArray) {
                    args.add("java.util.List.of(" + tensorRef.apply(null) + ")");
                } else if (o instanceof Operand.TensorList l) {
                    args.add("java.util.List.of(" + String.join(", ", l.values().stream().map(tensorRef).toList()) + ")");
                } else {
                    args.add(((Operand.ScalarArg) o).source());
                }
            }
            if (op.owner() == null) {
                return args.get(0) + "." + op.method() + "(" + String.join(", ", args.subList(1, args.size())) + ")";
            }
            return op.owner() + "." + op.method() + "(" + String.join(", ", args) + ")";
        }
    }

    /** {@code Frame finish(out, outNeedsGrad)}: stores the call's output(s) and their flags in the frame. */
    private static MethodSpec finish(TypeName outType, String out, TypeName flagType, String flag, String outField,
            String flagField) {
        return MethodSpec.methodBuilder("finish")
                .returns(FRAME)
                .addParameter(outType, out)
                .addParameter(flagType, flag)
                .addStatement("this.$N = $N", outField, out)
                .addStatement("this.$N = $N", flagField, flag)
                .addStatement("return this")
                .build();
    }

    /** The signature of a frame's {@code backward}, from the gradient(s) of its output(s); the caller adds the body. */
    private static MethodSpec.Builder frameBackward(TypeName gradType, String grad) {
        return MethodSpec.methodBuilder("backward")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(TENSOR_ARRAY)
                .addParameter(gradType, grad)
                .addParameter(GRAD_SINK, "sink");
    }

    static String capital(String name) {
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }
}
