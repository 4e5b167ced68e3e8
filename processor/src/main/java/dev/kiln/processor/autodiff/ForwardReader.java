package dev.kiln.processor.autodiff;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.annotations.Param;
import dev.kiln.annotations.spec.OpSpec;
import dev.kiln.annotations.spec.OpTable;
import dev.kiln.processor.model.ir.ForwardIr;
import dev.kiln.processor.model.ir.Operand;
import dev.kiln.processor.model.ir.Step;
import dev.kiln.processor.model.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads a {@code @Forward} method body through the compiler's tree API into a {@link ForwardIr}, or
 * says which construct on which line it cannot compile. It compiles tensor locals and their
 * reassignment, {@code return}, calls of {@code Tensor} methods and factories and of {@code Ops}/{@code F}
 * functions, calls of child layers' {@code @Forward} (or {@code apply}) on {@code @Layer} fields and
 * list/array elements, {@code ?:} and {@code if} on conditions that do not read tensor values,
 * {@code for} loops over {@code @Layer} lists and arrays or with a hyperparameter bound (unrolled at
 * run time), calls of other methods of the class (and final ones of its annotated superclasses) and of
 * static helpers of its package (inlined when they return a tensor or a {@code Tensor[]}; called as they
 * are when they return a hyperparameter or nothing, as a check), {@code Tensor[]} locals (declared once,
 * written and read by index, passed whole to {@code stack}/{@code concat}), {@code null} for a tensor,
 * a returned record of tensors (several outputs), and hyperparameters (literals, fields, constants,
 * arithmetic, shapes, {@code isTraining()}, null checks of tensors; primitives, strings, enums and arrays
 * of them). A condition decided by constants (a null passed to a helper, an enum constant compared with
 * the one passed) compiles only the branch it takes.
 */
public final class ForwardReader {
    private static final String TENSOR = "dev.kiln.tensor.Tensor";
    private static final Set<String> FUNCTION_OWNERS = Set.of("dev.kiln.ops.Ops", "dev.kiln.nn.functional.F");
    private static final Set<String> SHAPE_METHODS = Set.of("dim", "size", "numel", "shape", "dtype", "hasShape");
    private static final Set<String> SCALAR_CLASSES = Set.of("java.lang.String", "java.lang.Boolean",
            "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double");
    private static final Set<String> RESERVED = Set.of("module", "inputs", "needsGrad", "call", "sink", "gradOutput",
            "leaves");

    /** What reading gave: an IR, or the first construct that cannot be compiled. */
    public sealed interface Result {
        /** The body compiled. */
        record Compiled(ForwardIr ir) implements Result {}

        /** The body cannot be compiled: {@code reason} on {@code line}, at {@code tree}. */
        record Rejected(Tree tree, CompilationUnitTree unit, long line, String reason) implements Result {}
    }

    private final Trees trees;
    private final OpTable table;

    public ForwardReader(Trees trees, OpTable table) {
        this.trees = trees;
        this.table = table;
    }

    /** Reads {@code method}, the {@code @Forward} method of {@code type}. */
    public Result read(TypeElement type, ExecutableElement method) {
        TreePath path = trees.getPath(method);
        if (path == null) {
            return new Result.Rejected(null, null, 0, "its source is not available (the class comes from a class file)");
        }
        Session s = new Session(type, path.getCompilationUnit());
        try {
            return new Result.Compiled(s.method(method, (MethodTree) path.getLeaf()));
        } catch (Unsupported u) {
            return new Result.Rejected(u.tree, s.unit, s.line(u.tree), u.getMessage());
        }
    }

    /** A construct the compiler does not handle; becomes a note (or an error under REQUIRED). */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Tree tree;

        Unsupported(Tree tree, String reason) {
            super(reason, null, false, false);
            this.tree = tree;
        }
    }

    /** The state of reading one method. */
    private final class Session {
        final TypeElement type;
        /** The file of the code being read: the module's, or a helper's while its body is inlined. */
        CompilationUnitTree unit;
        /** While a helper of another file is inlined, the line of its call, which its steps report. */
        long callLine = -1;
        /** Tensor variables in scope, by the user's name. */
        Map<String, Value> tensors = new HashMap<>();
        /** Primitive variables in scope: the user's name to the generated one. */
        Map<String, String> scalars = new HashMap<>();
        /** Loop variables that hold an element of a {@code @Layer} list: the user's name to the generated one. */
        Map<String, String> layerVars = new HashMap<>();
        // "next", "output" and "outputs" too, whose gradients (gradNext, gradOutput, gradOutputs) the generated
        // backward names.
        final Set<String> used = new HashSet<>(Set.of("next", "output", "outputs"));
        final Set<ExecutableElement> inlining = new HashSet<>();
        List<Step> steps = new ArrayList<>();
        /** Outputs of child calls made inside an expression (not assigned to a variable): each read once. */
        final Set<Value> childTemporaries = new HashSet<>();
        int temps;
        /** How many helper calls were read: an op argument that makes one is evaluated once, before the op. */
        int helperCalls;
        /** How many reads of a tensor's shape, dtype or nullness were read into hyperparameters. */
        int tensorReads;
        /**
         * Op arguments that read a variable the lambda of an op outside the table cannot capture (a tensor
         * variable, which may be reassigned, or a loop counter), by identity, to the name of their parameter.
         */
        final Map<Operand, String> readsTensors = new IdentityHashMap<>();
        /** The generated names of the counters of the indexed loops being read: not final, so never captured. */
        final Set<String> counters = new HashSet<>();
        int selects;
        int loops;
        /** While a helper that returns a {@code Tensor[]} is inlined, the caller's name for that array. */
        String returnedArrayName;
        /** The enum constants read so far, by the source that names them: constants a condition may compare. */
        final Set<String> enumConstants = new HashSet<>();

        Session(TypeElement type, CompilationUnitTree unit) {
            used.addAll(RESERVED);
            this.type = type;
            this.unit = unit;
        }

        long line(Tree tree) {
            if (callLine >= 0) {
                return callLine;
            }
            if (tree == null) {
                return 0;
            }
            long pos = trees.getSourcePositions().getStartPosition(unit, tree);
            return pos < 0 ? 0 : unit.getLineMap().getLineNumber(pos);
        }

        ForwardIr method(ExecutableElement method, MethodTree tree) {
            String record = null;
            if (!isTensor(method.getReturnType())) {
                record = tensorRecord(method.getReturnType());
                if (record == null) {
                    throw new Unsupported(tree, "it returns " + method.getReturnType() + ", neither a Tensor nor a "
                            + "record of tensors");
                }
            }
            List<Value> inputs = new ArrayList<>();
            for (VariableElement p : method.getParameters()) {
                String name = p.getSimpleName().toString();
                if (RESERVED.contains(name)) {
                    throw new Unsupported(tree, "its parameter '" + name + "' has a name the generated code uses");
                }
                if (isTensor(p.asType())) {
                    Value v = new Value(name, Value.Kind.INPUT);
                    used.add(name);
                    tensors.put(name, v);
                    inputs.add(v);
                } else if (p.asType().getKind().isPrimitive() || p.asType().toString().startsWith("java.lang.")) {
                    scalars.put(name, name);
                    used.add(name);
                } else {
                    throw new Unsupported(tree, "its parameter '" + name + "' of type " + p.asType()
                            + " is neither a Tensor nor a hyperparameter");
                }
            }
            if (!(method.getParameters().size() == inputs.size())) {
                throw new Unsupported(tree, "it takes hyperparameters; compiled forwards take Tensor parameters only");
            }
            Value result = block(tree.getBody());
            if (result == null) {
                throw new Unsupported(tree, "it does not end in a return statement");
            }
            return new ForwardIr(inputs, steps, result, record);
        }

        Value block(BlockTree body) {
            return returning(body.getStatements());
        }

        /**
         * Statements that end in a return: the returned value, or null when they do not return. An
         * {@code if} whose branch returns ({@code if (x.dim() == 2) return x;}) takes the rest of the
         * statements as its other branch, and the two returned values merge.
         */
        Value returning(List<? extends StatementTree> statements) {
            for (int i = 0; i < statements.size(); i++) {
                StatementTree st = statements.get(i);
                if (st instanceof ReturnTree ret) {
                    TypeMirror returned = typeOf(ret.getExpression());
                    if (tensorRecord(returned) != null) {
                        return components(ret.getExpression());
                    }
                    return isTensorArray(returned) ? array(ret.getExpression(), returnedArrayName)
                            : tensor(ret.getExpression(), null);
                }
                if (st instanceof IfTree t && containsReturn(t.getThenStatement())) {
                    List<StatementTree> rest = new ArrayList<>();
                    if (t.getElseStatement() != null) {
                        rest.addAll(asList(t.getElseStatement()));
                    }
                    rest.addAll(statements.subList(i + 1, statements.size()));
                    return returningIf(t, asList(t.getThenStatement()), rest);
                }
                statement(st);
            }
            return null;
        }

        Value returningIf(IfTree t, List<StatementTree> thenStatements, List<StatementTree> elseStatements) {
            String condition = scalar(t.getCondition());
            if (isKnown(condition)) {
                // Decided when the body is read (a null state passed to a helper): only that branch is compiled.
                return returning(condition.equals("true") ? thenStatements : elseStatements);
            }
            Map<String, Value> before = new HashMap<>(tensors);
            List<Step> outer = steps;
            steps = new ArrayList<>();
            Value a = returning(thenStatements);
            List<Step> thenSteps = steps;
            tensors = new HashMap<>(before);
            steps = new ArrayList<>();
            Value b = returning(elseStatements);
            List<Step> elseSteps = steps;
            tensors = before;
            steps = outer;
            if (a == null || b == null) {
                throw new Unsupported(t, "an if that returns on some paths only (end each branch in a return)");
            }
            if (a.kind() == Value.Kind.ARRAY || b.kind() == Value.Kind.ARRAY) {
                throw new Unsupported(t, "an if whose branches return arrays or records of tensors (return once, at "
                        + "the end)");
            }
            Value out = new Value(fresh(null), Value.Kind.LOCAL);
            steps.add(new Step.Select("c" + (++selects), condition, thenSteps, elseSteps,
                    List.of(new Step.Merge(out, a, b)), line(t)));
            return out;
        }

        List<StatementTree> asList(StatementTree st) {
            return st instanceof BlockTree b ? new ArrayList<>(b.getStatements()) : new ArrayList<>(List.of(st));
        }

        boolean containsReturn(StatementTree st) {
            boolean[] found = {false};
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitReturn(ReturnTree r, Void unused) {
                    found[0] = true;
                    return null;
                }

                @Override
                public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree l, Void unused) {
                    return null;
                }

                @Override
                public Void visitClass(com.sun.source.tree.ClassTree c, Void unused) {
                    return null;
                }
            }.scan(st, null);
            return found[0];
        }

        void statement(StatementTree st) {
            switch (st.getKind()) {
                case VARIABLE -> {
                    VariableTree v = (VariableTree) st;
                    String name = v.getName().toString();
                    if (RESERVED.contains(name)) {
                        throw new Unsupported(st, "the local '" + name + "' has a name the generated code uses");
                    }
                    if (v.getInitializer() == null) {
                        throw new Unsupported(st, "the local '" + name + "' is declared without a value");
                    }
                    TypeMirror t = trees.getElement(TreePath.getPath(unit, v)).asType();
                    if (isTensor(t)) {
                        tensors.put(name, tensor(v.getInitializer(), name));
                    } else if (isTensorArray(t)) {
                        tensors.put(name, array(v.getInitializer(), name));
                    } else if (isScalarType(t)) {
                        String source = scalar(v.getInitializer());
                        String generated = fresh(name);
                        scalars.put(name, generated);
                        steps.add(new Step.Scalar(localType(t), generated, source, line(st)));
                    } else {
                        throw new Unsupported(st, "the local '" + name + "' has type " + t
                                + "; compiled forwards hold tensors and hyperparameters (primitives, strings, enums, "
                                + "arrays of them)");
                    }
                }
                case EXPRESSION_STATEMENT -> {
                    ExpressionTree e = ((ExpressionStatementTree) st).getExpression();
                    if (e instanceof MethodInvocationTree call && isCheck(call)) {
                        steps.add(new Step.Check(helperCall(call), line(st)));
                        return;
                    }
                    if (!(e instanceof AssignmentTree a)) {
                        throw new Unsupported(st, "the statement '" + e + "' is not an assignment (a call for its "
                                + "side effect, an in-place update)");
                    }
                    if (a.getVariable() instanceof ArrayAccessTree element && arrayOf(element.getExpression()) != null) {
                        Value array = arrayOf(element.getExpression());
                        String index = scalar(element.getIndex());
                        steps.add(new Step.Store(array, index, tensor(a.getExpression(), null), line(st)));
                        return;
                    }
                    if (a.getVariable() instanceof IdentifierTree id && arrayOf(id) != null) {
                        throw new Unsupported(st, "it assigns the array '" + id + "' again (declare each Tensor[] "
                                + "once and write its elements)");
                    }
                    if (!(a.getVariable() instanceof IdentifierTree id) || !tensors.containsKey(id.getName().toString())
                            || isField(a.getVariable())) {
                        throw new Unsupported(st, "it assigns '" + a.getVariable() + "', which is not a Tensor local "
                                + "(a field write or a scalar reassignment)");
                    }
                    String name = id.getName().toString();
                    tensors.put(name, tensor(a.getExpression(), name));
                }
                case WHILE_LOOP, DO_WHILE_LOOP -> throw new Unsupported(st, "a while loop, whose condition may read "
                        + "tensor values");
                case BLOCK -> {
                    Map<String, Value> scope = new HashMap<>(tensors);
                    for (StatementTree inner : ((BlockTree) st).getStatements()) {
                        statement(inner);
                    }
                    closeScope(scope);
                }
                case IF -> ifStatement((IfTree) st);
                case ENHANCED_FOR_LOOP -> enhancedFor((EnhancedForLoopTree) st);
                case FOR_LOOP -> indexedFor((ForLoopTree) st);
                case EMPTY_STATEMENT -> { }
                case RETURN -> throw new Unsupported(st, "a return before the end of the method");
                default -> throw new Unsupported(st, "a " + st.getKind().toString().toLowerCase().replace('_', ' ')
                        + " statement");
            }
        }

        /** Forgets the variables declared since {@code scope} was taken; keeps the new values of older ones. */
        void closeScope(Map<String, Value> scope) {
            tensors.keySet().retainAll(scope.keySet());
        }

        /** An {@code if}: both branches read, each variable they change merged into a new value. */
        void ifStatement(IfTree t) {
            String condition = scalar(t.getCondition());
            if (isKnown(condition)) {
                // Decided when the body is read (a null state passed to a helper): only that branch is compiled.
                StatementTree taken = condition.equals("true") ? t.getThenStatement() : t.getElseStatement();
                if (taken != null) {
                    Map<String, Value> scope = new HashMap<>(tensors);
                    statement(taken);
                    closeScope(scope);
                }
                return;
            }
            StatementTree then = t.getThenStatement();
            if (then instanceof BlockTree b && b.getStatements().size() == 1) {
                then = b.getStatements().get(0);
            }
            if (then instanceof ThrowTree thrown && t.getElseStatement() == null) {
                steps.add(new Step.Guard(condition, exception(thrown.getExpression()), line(t)));
                return;
            }
            Map<String, Value> before = new HashMap<>(tensors);
            List<Step> outer = steps;
            steps = new ArrayList<>();
            statement(t.getThenStatement());
            List<Step> thenSteps = steps;
            Map<String, Value> thenValues = tensors;
            tensors = new HashMap<>(before);
            steps = new ArrayList<>();
            if (t.getElseStatement() != null) {
                statement(t.getElseStatement());
            }
            List<Step> elseSteps = steps;
            Map<String, Value> elseValues = tensors;
            tensors = new HashMap<>(before);
            steps = outer;
            List<Step.Merge> merges = new ArrayList<>();
            for (String name : sorted(before.keySet())) {
                Value a = thenValues.get(name);
                Value b = elseValues.get(name);
                if (a != before.get(name) || b != before.get(name)) {
                    Value out = new Value(fresh(name), Value.Kind.LOCAL);
                    merges.add(new Step.Merge(out, a, b));
                    tensors.put(name, out);
                }
            }
            steps.add(new Step.Select("c" + (++selects), condition, thenSteps, elseSteps, merges, line(t)));
        }

        /** {@code for (Block b : blocks)} over a {@code @Layer} list or array. */
        void enhancedFor(EnhancedForLoopTree f) {
            String collection = child(f.getExpression());
            if (!(f.getExpression() instanceof IdentifierTree || f.getExpression() instanceof MemberSelectTree)) {
                throw new Unsupported(f, "a for loop over '" + f.getExpression() + "', which is not a @Layer field");
            }
            String name = f.getVariable().getName().toString();
            TypeMirror type = trees.getElement(TreePath.getPath(unit, f.getVariable())).asType();
            String generated = fresh(name);
            Map<String, String> outerLayers = layerVars;
            layerVars = new HashMap<>(layerVars);
            layerVars.put(name, generated);
            loop(f.getStatement(), type + " " + generated + " : " + collection, line(f));
            layerVars = outerLayers;
        }

        /** {@code for (int i = a; i < b; i++)} whose bound does not read tensor values. */
        void indexedFor(ForLoopTree f) {
            if (f.getInitializer().size() != 1 || !(f.getInitializer().get(0) instanceof VariableTree v)
                    || v.getInitializer() == null || f.getCondition() == null || f.getUpdate().size() != 1) {
                throw new Unsupported(f, "a for loop that is not 'for (int i = a; i < b; i++)' (one counter, one "
                        + "condition, one update)");
            }
            TypeMirror type = trees.getElement(TreePath.getPath(unit, v)).asType();
            if (!type.getKind().isPrimitive()) {
                throw new Unsupported(f, "a for loop whose counter '" + v.getName() + "' is not a primitive");
            }
            String name = v.getName().toString();
            String init = scalar(v.getInitializer());
            String generated = fresh(name);
            Map<String, String> outerScalars = scalars;
            scalars = new HashMap<>(scalars);
            scalars.put(name, generated);
            String header = type + " " + generated + " = " + init + "; " + scalar(f.getCondition()) + "; "
                    + update(f.getUpdate().get(0).getExpression(), name, generated);
            counters.add(generated);
            try {
                loop(f.getStatement(), header, line(f));
            } finally {
                counters.remove(generated);
            }
            scalars = outerScalars;
        }

        String update(ExpressionTree e, String counter, String generated) {
            if (e instanceof UnaryTree u && u.getExpression() instanceof IdentifierTree id
                    && id.getName().contentEquals(counter)) {
                switch (u.getKind()) {
                    case POSTFIX_INCREMENT, PREFIX_INCREMENT -> {
                        return generated + "++";
                    }
                    case POSTFIX_DECREMENT, PREFIX_DECREMENT -> {
                        return generated + "--";
                    }
                    default -> { }
                }
            }
            if (e instanceof CompoundAssignmentTree c && c.getVariable() instanceof IdentifierTree id
                    && id.getName().contentEquals(counter)
                    && (c.getKind() == Tree.Kind.PLUS_ASSIGNMENT || c.getKind() == Tree.Kind.MINUS_ASSIGNMENT)) {
                return generated + (c.getKind() == Tree.Kind.PLUS_ASSIGNMENT ? " += " : " -= ")
                        + scalar(c.getExpression());
            }
            throw new Unsupported(e, "the loop update '" + e + "' (write i++, i--, i += k or i -= k)");
        }

        /** A loop body: each tensor variable it reassigns is carried from one iteration to the next. */
        void loop(StatementTree body, String header, long line) {
            // The generated code names the loop's list, iteration and counter after its number.
            int n = ++loops;
            while (used.contains("loop" + n) || used.contains("it" + n) || used.contains("k" + n)) {
                n = ++loops;
            }
            String loopId = "loop" + n;
            used.addAll(List.of(loopId, "it" + n, "k" + n));
            Set<String> assigned = new LinkedHashSet<>();
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitAssignment(AssignmentTree a, Void unused) {
                    if (a.getVariable() instanceof IdentifierTree id && tensors.containsKey(id.getName().toString())) {
                        assigned.add(id.getName().toString());
                    }
                    return super.visitAssignment(a, unused);
                }
            }.scan(body, null);
            Map<String, Value> scope = new HashMap<>(tensors);
            Map<String, Value[]> carried = new LinkedHashMap<>();
            for (String name : assigned) {
                Value phi = new Value(fresh(name), Value.Kind.LOCAL);
                carried.put(name, new Value[] {tensors.get(name), phi});
                tensors.put(name, phi);
                scope.put(name, phi);
            }
            List<Step> outer = steps;
            steps = new ArrayList<>();
            statement(body);
            List<Step> bodySteps = steps;
            steps = outer;
            List<Step.Carried> list = new ArrayList<>();
            carried.forEach((name, v) -> list.add(new Step.Carried(v[0], v[1], tensors.get(name))));
            tensors = scope;
            steps.add(new Step.Loop(loopId, header, list, bodySteps, line));
        }

        boolean isField(ExpressionTree e) {
            Element el = trees.getElement(TreePath.getPath(unit, e));
            return el != null && el.getKind() == ElementKind.FIELD;
        }

        String fresh(String preferred) {
            String base = preferred == null ? "t" : preferred;
            String name = base;
            if (preferred == null) {
                do {
                    name = "t" + (++temps);
                } while (used.contains(name));
            } else {
                for (int k = 2; used.contains(name); k++) {
                    name = base + k;
                }
            }
            used.add(name);
            return name;
        }

        /** The value of a tensor expression; its outermost step is named {@code name} when given. */
        Value tensor(ExpressionTree e, String name) {
            if (e instanceof ParenthesizedTree p) {
                return tensor(p.getExpression(), name);
            }
            if (e.getKind() == Tree.Kind.NULL_LITERAL) {
                return Value.NULL;
            }
            if (e instanceof ArrayAccessTree element && arrayOf(element.getExpression()) != null) {
                Value array = arrayOf(element.getExpression());
                String index = scalar(element.getIndex());
                Value out = new Value(fresh(name), Value.Kind.LOCAL);
                steps.add(new Step.Load(out, array, index, line(e)));
                return out;
            }
            if (e instanceof IdentifierTree || e instanceof MemberSelectTree) {
                if (e instanceof IdentifierTree id && tensors.containsKey(id.getName().toString())
                        && !isField(e)) {
                    return tensors.get(id.getName().toString());
                }
                Element el = trees.getElement(TreePath.getPath(unit, e));
                if (el != null && el.getKind() == ElementKind.FIELD && isTensor(el.asType())
                        && !el.getModifiers().contains(Modifier.STATIC)) {
                    checkReadable(e, el);
                    return new Value(el.getSimpleName().toString(),
                            el.getAnnotation(Param.class) != null ? Value.Kind.PARAM : Value.Kind.CONSTANT);
                }
                throw new Unsupported(e, "it reads '" + e + "', which is not a tensor local, parameter or field");
            }
            if (e instanceof ConditionalExpressionTree c) {
                String condition = scalar(c.getCondition());
                if (isKnown(condition)) {
                    return tensor(condition.equals("true") ? c.getTrueExpression() : c.getFalseExpression(), name);
                }
                List<Step> outer = steps;
                steps = new ArrayList<>();
                Value a = tensor(c.getTrueExpression(), null);
                List<Step> thenSteps = steps;
                steps = new ArrayList<>();
                Value b = tensor(c.getFalseExpression(), null);
                List<Step> elseSteps = steps;
                steps = outer;
                Value out = new Value(fresh(name), Value.Kind.LOCAL);
                steps.add(new Step.Select("c" + (++selects), condition, thenSteps, elseSteps,
                        List.of(new Step.Merge(out, a, b)), line(e)));
                return out;
            }
            if (e instanceof MethodInvocationTree call) {
                return call(call, name);
            }
            throw new Unsupported(e, "the expression '" + e + "' is not a tensor op, a child call or a tensor variable");
        }

        /** The {@code Tensor[]} local {@code e} names, or null. */
        Value arrayOf(ExpressionTree e) {
            if (e instanceof ParenthesizedTree p) {
                return arrayOf(p.getExpression());
            }
            if (e instanceof IdentifierTree id && !isField(e)) {
                Value v = tensors.get(id.getName().toString());
                return v != null && v.kind() == Value.Kind.ARRAY ? v : null;
            }
            return null;
        }

        /** The array a {@code Tensor[]} local holds, or {@link Value#NULL} for a helper's array parameter given null. */
        Value nullableArray(ExpressionTree e) {
            if (e instanceof IdentifierTree id && !isField(e) && tensors.get(id.getName().toString()) == Value.NULL) {
                return Value.NULL;
            }
            return array(e, null);
        }

        /**
         * The array a {@code Tensor[]} expression gives: a local, {@code new Tensor[n]}, {@code {a, b}} or
         * {@code new Tensor[] {a, b}}, or the result of an inlined helper; named {@code name} when new.
         */
        Value array(ExpressionTree e, String name) {
            if (e instanceof ParenthesizedTree p) {
                return array(p.getExpression(), name);
            }
            Value local = arrayOf(e);
            if (local != null) {
                return local;
            }
            if (e.getKind() == Tree.Kind.NULL_LITERAL) {
                // A helper's array parameter given null: its null checks are decided when the body is read.
                return Value.NULL;
            }
            if (e instanceof NewArrayTree n) {
                // A Tensor[] is new Tensor[n] (one dimension) or has initializers: javac allows nothing else.
                String length = n.getInitializers() == null ? scalar(n.getDimensions().get(0)) : null;
                List<Value> elements = new ArrayList<>();
                if (n.getInitializers() != null) {
                    for (ExpressionTree element : n.getInitializers()) {
                        elements.add(tensor(element, null));
                    }
                }
                Value array = new Value(fresh(name), Value.Kind.ARRAY);
                steps.add(new Step.NewArray(array, length, elements, line(e)));
                return array;
            }
            if (e instanceof MethodInvocationTree call && trees.getElement(TreePath.getPath(unit, call))
                    instanceof ExecutableElement m && isInlinable(call, m)) {
                String outerName = returnedArrayName;
                returnedArrayName = name;
                Value result;
                try {
                    result = inline(call, m);
                } finally {
                    returnedArrayName = outerName;
                }
                if (result.kind() != Value.Kind.ARRAY) {
                    throw new Unsupported(call, "it calls " + m.getSimpleName() + "(...), which does not return an array");
                }
                return result;
            }
            throw new Unsupported(e, "the array '" + e + "' (a Tensor[] is a local declared with new Tensor[n] or "
                    + "{a, b, ...}, or returned by a helper Kiln inlines)");
        }

        /**
         * {@code new State(h, c)} of a record of tensors: an array of its components, which the compiled
         * forward returns as its outputs (a multi-output frame).
         */
        Value components(ExpressionTree e) {
            if (e instanceof ParenthesizedTree p) {
                return components(p.getExpression());
            }
            String record = tensorRecord(typeOf(e));
            if (!(e instanceof NewClassTree n) || n.getClassBody() != null || n.getEnclosingExpression() != null) {
                throw new Unsupported(e, "it returns '" + e + "' (write return new " + simple(record) + "(a, b, ...))");
            }
            List<Value> elements = new ArrayList<>();
            for (ExpressionTree a : n.getArguments()) {
                elements.add(tensor(a, null));
            }
            String simple = simple(record);
            Value array = new Value(fresh(simple.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
                    + simple.substring(1)), Value.Kind.ARRAY);
            steps.add(new Step.NewArray(array, null, elements, line(e)));
            return array;
        }

        /** Whether {@code m} is a method of the class called on {@code this}, or a static helper of its package. */
        boolean isInlinable(MethodInvocationTree call, ExecutableElement m) {
            boolean isStatic = m.getModifiers().contains(Modifier.STATIC);
            boolean onThis = call.getMethodSelect() instanceof IdentifierTree
                    || call.getMethodSelect() instanceof MemberSelectTree s
                            && s.getExpression() instanceof IdentifierTree t && t.getName().contentEquals("this");
            return onThis && (m.getEnclosingElement().equals(type) || isInheritedFinal(m))
                    || isStatic && inPackage(m) && trees.getTree(m) != null;
        }

        /**
         * Whether {@code m} is a final (or private) instance method of a superclass in the module's package
         * whose source is in this compilation ({@code RNNBase.layers} for {@code LSTM}): no subclass can
         * override it, so the call always runs that body.
         */
        boolean isInheritedFinal(ExecutableElement m) {
            return !m.getModifiers().contains(Modifier.STATIC) && inPackage(m) && trees.getTree(m) != null
                    && (m.getModifiers().contains(Modifier.FINAL) || m.getModifiers().contains(Modifier.PRIVATE))
                    && m.getEnclosingElement().getKind() == ElementKind.CLASS
                    && isSubclass(type, (TypeElement) m.getEnclosingElement());
        }

        boolean isSubclass(TypeElement sub, TypeElement sup) {
            for (TypeMirror t = sub.getSuperclass(); t.getKind() == TypeKind.DECLARED;
                    t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass()) {
                if (((DeclaredType) t).asElement().equals(sup)) {
                    return true;
                }
            }
            return false;
        }

        void checkReadable(Tree at, Element field) {
            if (field.getModifiers().contains(Modifier.PRIVATE)) {
                throw new Unsupported(at, "it reads the private field '" + field.getSimpleName()
                        + "', which the generated class cannot read; make it package-private");
            }
            Element owner = field.getEnclosingElement();
            if (!packageOf(owner).equals(packageOf(type))) {
                throw new Unsupported(at, "it reads the field '" + field.getSimpleName() + "' of " + owner
                        + ", in another package");
            }
        }

        String packageOf(Element e) {
            Element p = e;
            while (p.getKind() != ElementKind.PACKAGE) {
                p = p.getEnclosingElement();
            }
            return p.toString();
        }

        Value call(MethodInvocationTree call, String name) {
            Element el = trees.getElement(TreePath.getPath(unit, call));
            if (!(el instanceof ExecutableElement m)) {
                throw new Unsupported(call, "the call '" + call + "' does not resolve");
            }
            String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
            String method = m.getSimpleName().toString();
            boolean isStatic = m.getModifiers().contains(Modifier.STATIC);
            if (!isTensor(m.getReturnType())) {
                throw new Unsupported(call, "the call '" + call + "' returns " + m.getReturnType() + ", not a Tensor");
            }
            if (owner.equals(TENSOR) && !isStatic) {
                if (method.endsWith("_") || Set.of("fill", "copyFrom", "requiresGrad", "setGrad", "retainGrad",
                        "backward", "grad").contains(method)) {
                    throw new Unsupported(call, "it calls Tensor." + method + ", which changes a tensor in place or "
                            + "touches autograd state");
                }
                ExpressionTree receiver = ((MemberSelectTree) call.getMethodSelect()).getExpression();
                List<Operand> operands = new ArrayList<>();
                operands.add(new Operand.TensorArg(tensor(receiver, null)));
                operands.addAll(arguments(call, m));
                return op(call, null, method, operands, name);
            }
            if (isStatic && (FUNCTION_OWNERS.contains(owner) || owner.equals(TENSOR))) {
                return op(call, owner, method, arguments(call, m), name);
            }
            if (!isStatic && (m.getAnnotation(Forward.class) != null
                    || (owner.equals("dev.kiln.nn.Module") && method.equals("apply")))) {
                if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
                    throw new Unsupported(call, "it calls its own forward method");
                }
                String child = child(select.getExpression());
                List<Value> args = new ArrayList<>();
                for (ExpressionTree a : call.getArguments()) {
                    if (!isTensor(typeOf(a))) {
                        throw new Unsupported(a, "the child call '" + call + "' passes a hyperparameter");
                    }
                    args.add(tensor(a, null));
                }
                Value out = new Value(fresh(name), Value.Kind.LOCAL);
                Step.Child reluChild = reluChildBefore(args);
                if (reluChild != null) {
                    // pool.forward(relu(conv.forward(x))): the three calls become one.
                    steps.set(steps.size() - 1, new Step.Child(out, reluChild.child(), reluChild.args(), true, child,
                            reluChild.line()));
                } else {
                    steps.add(new Step.Child(out, child, args, line(call)));
                }
                if (name == null) {
                    childTemporaries.add(out);
                }
                return out;
            }
            boolean onThis = call.getMethodSelect() instanceof IdentifierTree
                    || call.getMethodSelect() instanceof MemberSelectTree s
                            && s.getExpression() instanceof IdentifierTree t && t.getName().contentEquals("this");
            if (isInlinable(call, m)) {
                return inline(call, m);
            }
            if (m.getEnclosingElement().equals(type) || !isStatic && call.getMethodSelect() instanceof IdentifierTree) {
                throw new Unsupported(call, "it calls " + method + "(...), a method of another class or object "
                        + "that Kiln does not know how to compile");
            }
            throw new Unsupported(call, "it calls " + simple(owner) + "." + method + "(...), which Kiln does not "
                    + "know how to compile");
        }

        /** Inlines a call of another method of the class: its body read with the arguments bound. */
        Value inline(MethodInvocationTree call, ExecutableElement m) {
            if (m.isVarArgs()) {
                throw new Unsupported(call, "it calls " + m.getSimpleName() + "(...), which takes varargs");
            }
            if (!inlining.add(m)) {
                throw new Unsupported(call, "it calls " + m.getSimpleName() + "(...) recursively");
            }
            MethodTree callee = trees.getTree(m);
            if (callee == null || callee.getBody() == null) {
                throw new Unsupported(call, "it calls " + m.getSimpleName() + "(...), whose source is not available");
            }
            Map<String, Value> calleeTensors = new HashMap<>();
            Map<String, String> calleeScalars = new HashMap<>();
            for (int i = 0; i < m.getParameters().size(); i++) {
                VariableElement p = m.getParameters().get(i);
                String pname = p.getSimpleName().toString();
                ExpressionTree arg = call.getArguments().get(i);
                if (isTensor(p.asType())) {
                    calleeTensors.put(pname, tensor(arg, null));
                } else if (isTensorArray(p.asType())) {
                    calleeTensors.put(pname, array(arg, pname));
                } else if (isScalarType(p.asType())) {
                    String source = scalar(arg);
                    if (isConstant(source)) {
                        // A constant argument stands for the parameter, so conditions on it are decided here.
                        calleeScalars.put(pname, source);
                        continue;
                    }
                    String generated = fresh(pname);
                    steps.add(new Step.Scalar(localType(p.asType()), generated, source, line(arg)));
                    calleeScalars.put(pname, generated);
                } else {
                    throw new Unsupported(arg, "it calls " + m.getSimpleName() + "(...), whose parameter '" + pname
                            + "' of type " + p.asType() + " is neither a Tensor nor a hyperparameter");
                }
            }
            Map<String, Value> outerTensors = tensors;
            Map<String, String> outerScalars = scalars;
            Map<String, String> outerLayers = layerVars;
            CompilationUnitTree outerUnit = unit;
            long outerCallLine = callLine;
            CompilationUnitTree calleeUnit = trees.getPath(m).getCompilationUnit();
            boolean otherFile = calleeUnit != unit;
            if (otherFile && callLine < 0) {
                callLine = line(call);
            }
            tensors = calleeTensors;
            scalars = calleeScalars;
            layerVars = new HashMap<>();
            unit = calleeUnit;
            Value result;
            try {
                result = block(callee.getBody());
            } catch (Unsupported u) {
                // A construct in another file is reported at the call, which is what the user can see.
                if (!otherFile) {
                    throw u;
                }
                throw new Unsupported(call, "it calls " + simple(m.getEnclosingElement().toString()) + "."
                        + m.getSimpleName() + "(...), whose body cannot be compiled: " + u.getMessage());
            } finally {
                tensors = outerTensors;
                scalars = outerScalars;
                layerVars = outerLayers;
                unit = outerUnit;
                callLine = outerCallLine;
                inlining.remove(m);
            }
            if (result == null) {
                throw new Unsupported(call, "it calls " + m.getSimpleName() + "(...), which does not end in a return "
                        + "statement");
            }
            return result;
        }

        /** The Java expression of a child module: a {@code @Layer} field, or an element of one. */
        String child(ExpressionTree e) {
            if (e instanceof ParenthesizedTree p) {
                return child(p.getExpression());
            }
            if (e instanceof IdentifierTree id && layerVars.containsKey(id.getName().toString())) {
                return layerVars.get(id.getName().toString());
            }
            if (e instanceof IdentifierTree || e instanceof MemberSelectTree) {
                Element el = trees.getElement(TreePath.getPath(unit, e));
                if (el != null && el.getKind() == ElementKind.FIELD && el.getAnnotation(Layer.class) != null) {
                    checkReadable(e, el);
                    return "module." + el.getSimpleName();
                }
            }
            if (e instanceof MethodInvocationTree get && get.getMethodSelect() instanceof MemberSelectTree s
                    && s.getIdentifier().contentEquals("get") && get.getArguments().size() == 1) {
                return child(s.getExpression()) + ".get(" + scalar(get.getArguments().get(0)) + ")";
            }
            if (e instanceof ArrayAccessTree a) {
                return child(a.getExpression()) + "[" + scalar(a.getIndex()) + "]";
            }
            throw new Unsupported(e, "it calls forward on '" + e + "', which is not a @Layer field or an element of one");
        }

        List<Operand> arguments(MethodInvocationTree call, ExecutableElement m) {
            List<Operand> out = new ArrayList<>();
            List<? extends ExpressionTree> args = call.getArguments();
            int params = m.getParameters().size();
            for (int i = 0; i < args.size(); i++) {
                ExpressionTree a = args.get(i);
                boolean packVarargs = m.isVarArgs() && i == params - 1
                        && (args.size() != params || typeOf(a).getKind() != TypeKind.ARRAY);
                if (packVarargs) {
                    TypeMirror component = ((ArrayType) m.getParameters().get(params - 1).asType()).getComponentType();
                    if (isTensor(component)) {
                        throw new Unsupported(call, "it passes tensors as varargs");
                    }
                    int calls = helperCalls;
                    int reads = tensorReads;
                    List<String> parts = new ArrayList<>();
                    for (int j = i; j < args.size(); j++) {
                        parts.add(scalar(args.get(j)));
                    }
                    String array = "new " + component + "[] {" + String.join(", ", parts) + "}";
                    if (helperCalls != calls) {
                        // Evaluated once, here, as a single argument that calls a helper is.
                        String local = fresh(m.getParameters().get(i).getSimpleName().toString());
                        steps.add(new Step.Scalar(component + "[]", local, array, line(a)));
                        array = local;
                    }
                    Operand.ScalarArg packed = new Operand.ScalarArg(array, component + "[]");
                    if (helperCalls == calls && (tensorReads != reads || readsCounter(packed.source()))) {
                        readsTensors.put(packed, m.getParameters().get(i).getSimpleName().toString());
                    }
                    out.add(packed);
                    return out;
                }
                if (a.getKind() == Tree.Kind.NULL_LITERAL) {
                    out.add(new Operand.ScalarArg("null", m.getParameters().get(i).asType().toString()));
                } else if (tensorArrayAsList(a) != null) {
                    out.add(new Operand.TensorArray(tensorArrayAsList(a)));
                } else if (isTensorListOf(a)) {
                    List<Value> values = new ArrayList<>();
                    for (ExpressionTree element : ((MethodInvocationTree) a).getArguments()) {
                        values.add(tensor(element, null));
                    }
                    out.add(new Operand.TensorList(values));
                } else if (isTensor(typeOf(a))) {
                    out.add(new Operand.TensorArg(tensor(a, null)));
                } else {
                    int calls = helperCalls;
                    int reads = tensorReads;
                    String source = scalar(a);
                    String param = m.getParameters().get(i).getSimpleName().toString();
                    if (helperCalls != calls) {
                        // Evaluated once, here, even where the backward saves the argument too.
                        String local = fresh(param);
                        steps.add(new Step.Scalar(localType(typeOf(a)), local, source, line(a)));
                        source = local;
                    }
                    Operand scalar = new Operand.ScalarArg(source, typeName(typeOf(a)));
                    if (helperCalls == calls && (tensorReads != reads || readsCounter(source))) {
                        readsTensors.put(scalar, param);
                    }
                    out.add(scalar);
                }
            }
            return out;
        }

        /** Whether the Java expression {@code source} reads the counter of an enclosing indexed loop. */
        boolean readsCounter(String source) {
            for (String counter : counters) {
                if (java.util.regex.Pattern.compile("\\b" + counter + "\\b").matcher(source).find()) {
                    return true;
                }
            }
            return false;
        }

        /** The array of {@code List.of(array)} or {@code Arrays.asList(array)} on a {@code Tensor[]} local, or null. */
        Value tensorArrayAsList(ExpressionTree e) {
            if (!(e instanceof MethodInvocationTree list) || list.getArguments().size() != 1) {
                return null;
            }
            Element el = trees.getElement(TreePath.getPath(unit, list));
            if (!(el instanceof ExecutableElement m)) {
                return null;
            }
            String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
            boolean asList = owner.equals("java.util.List") && m.getSimpleName().contentEquals("of")
                    || owner.equals("java.util.Arrays") && m.getSimpleName().contentEquals("asList");
            return asList && m.isVarArgs() ? arrayOf(list.getArguments().get(0)) : null;
        }

        /** Whether {@code e} is {@code List.of(t1, ..., tn)} of tensors: an op's list of tensor inputs. */
        boolean isTensorListOf(ExpressionTree e) {
            if (!(e instanceof MethodInvocationTree list) || list.getArguments().isEmpty()) {
                return false;
            }
            Element el = trees.getElement(TreePath.getPath(unit, list));
            if (!(el instanceof ExecutableElement m) || !m.getSimpleName().contentEquals("of") || m.isVarArgs()
                    || !((TypeElement) m.getEnclosingElement()).getQualifiedName().contentEquals("java.util.List")) {
                return false;
            }
            for (ExpressionTree element : list.getArguments()) {
                if (!isTensor(typeOf(element))) {
                    return false;
                }
            }
            return true;
        }

        Value op(MethodInvocationTree call, String owner, String method, List<Operand> operands, String name) {
            String[] pattern = new String[operands.size()];
            for (int i = 0; i < pattern.length; i++) {
                Operand o = operands.get(i);
                pattern[i] = o instanceof Operand.ScalarArg a ? a.type()
                        : o instanceof Operand.TensorList || o instanceof Operand.TensorArray ? "List<Tensor>" : "Tensor";
            }
            OpSpec spec = table.find(method, pattern);
            if (spec == null) {
                // An op outside the table runs in a lambda, which may capture only final locals; a tensor
                // variable may be reassigned (a loop's or a branch's), so what is read from it is read first.
                List<Operand> bound = new ArrayList<>();
                for (Operand o : operands) {
                    String param = readsTensors.remove(o);
                    if (param != null && o instanceof Operand.ScalarArg a) {
                        String local = fresh(param);
                        steps.add(new Step.Scalar(a.type(), local, a.source(), line(call)));
                        o = new Operand.ScalarArg(local, a.type());
                    }
                    bound.add(o);
                }
                operands = bound;
            }
            Step.Child fusable = reluOfChild(spec, operands);
            if (fusable != null) {
                // A temporary keeps the child's name: t1 = relu(fc(x)) rather than t2, with t1 gone.
                Value fused = name == null ? fusable.out() : new Value(fresh(name), Value.Kind.LOCAL);
                steps.set(steps.size() - 1, new Step.Child(fused, fusable.child(), fusable.args(), true, null,
                        fusable.line()));
                return fused;
            }
            Value out = new Value(fresh(name), Value.Kind.LOCAL);
            steps.add(new Step.Op(out, spec == null ? null : spec.id(), owner, method, operands, line(call)));
            return out;
        }

        /**
         * The child call that {@code relu} is applied to, when it can absorb the ReLU: {@code relu(fc.forward(x))},
         * the call just made, whose output is a temporary of the expression and so read nowhere else. A
         * temporary that a variable holds (a helper's parameter bound to it, a helper's returned call
         * assigned) may be read again, so it is not fused.
         */
        Step.Child reluOfChild(OpSpec spec, List<Operand> operands) {
            if (spec == null || !spec.id().equals("relu") || operands.size() != 1
                    || !(operands.get(0) instanceof Operand.TensorArg arg) || steps.isEmpty()
                    || !(steps.get(steps.size() - 1) instanceof Step.Child child) || child.relu()
                    || !child.out().equals(arg.value()) || !childTemporaries.contains(arg.value())
                    || tensors.containsValue(arg.value())) {
                return null;
            }
            return child;
        }

        /**
         * The fused {@code relu(child.forward(...))} call just made, when it is the only argument of the child
         * call being read and nothing else reads its output: a temporary of the expression that no variable
         * holds, as in {@code pool.forward(relu(conv.forward(x)))}.
         */
        Step.Child reluChildBefore(List<Value> args) {
            if (args.size() != 1 || steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Step.Child child)
                    || !child.relu() || child.then() != null || !child.out().equals(args.get(0))
                    || !childTemporaries.contains(args.get(0)) || tensors.containsValue(args.get(0))) {
                return null;
            }
            return child;
        }

        TypeMirror typeOf(ExpressionTree e) {
            TreePath path = TreePath.getPath(unit, e);
            TypeMirror t = trees.getTypeMirror(path);
            if (t == null) {
                // javac attributes a class on the first getElement inside it; a helper class of another file
                // may not have been yet.
                trees.getElement(path);
                t = trees.getTypeMirror(path);
            }
            return t;
        }

        /** A non-tensor expression as Java source, with fields read through {@code module}. */
        String scalar(ExpressionTree e) {
            switch (e.getKind()) {
                case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL,
                        STRING_LITERAL, NULL_LITERAL -> {
                    return literal((LiteralTree) e);
                }
                case PARENTHESIZED -> {
                    String inner = scalar(((ParenthesizedTree) e).getExpression());
                    return isKnown(inner) ? inner : "(" + inner + ")";
                }
                case CONDITIONAL_EXPRESSION -> {
                    ConditionalExpressionTree c = (ConditionalExpressionTree) e;
                    return scalar(c.getCondition()) + " ? " + scalar(c.getTrueExpression()) + " : "
                            + scalar(c.getFalseExpression());
                }
                case TYPE_CAST -> {
                    TypeCastTree c = (TypeCastTree) e;
                    return "(" + c.getType() + ") " + scalar(c.getExpression());
                }
                case NEW_ARRAY -> {
                    NewArrayTree n = (NewArrayTree) e;
                    if (n.getInitializers() == null || n.getType() == null) {
                        throw new Unsupported(e, "the array '" + e + "' (write new int[] {...})");
                    }
                    List<String> parts = new ArrayList<>();
                    for (ExpressionTree i : n.getInitializers()) {
                        parts.add(scalar(i));
                    }
                    return "new " + n.getType() + "[] {" + String.join(", ", parts) + "}";
                }
                case IDENTIFIER, MEMBER_SELECT -> {
                    return name(e);
                }
                case METHOD_INVOCATION -> {
                    return scalarCall((MethodInvocationTree) e);
                }
                case ARRAY_ACCESS -> {
                    ArrayAccessTree a = (ArrayAccessTree) e;
                    return scalar(a.getExpression()) + "[" + scalar(a.getIndex()) + "]";
                }
                default -> {
                    if (e instanceof BinaryTree b && isNullCheck(b)) {
                        boolean leftNull = b.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL;
                        ExpressionTree t = leftNull ? b.getRightOperand() : b.getLeftOperand();
                        Value v = isTensorArray(typeOf(t)) ? nullableArray(t) : tensor(t, null);
                        if (v.kind() == Value.Kind.NULL) {
                            // A null passed for a tensor: the check is decided here, and folded.
                            return String.valueOf(b.getKind() == Tree.Kind.EQUAL_TO);
                        }
                        tensorReads++;
                        return ref(v) + " " + operator(b.getKind(), e) + " null";
                    }
                    if (e instanceof BinaryTree b) {
                        String left = scalar(b.getLeftOperand());
                        String right = scalar(b.getRightOperand());
                        if ((b.getKind() == Tree.Kind.EQUAL_TO || b.getKind() == Tree.Kind.NOT_EQUAL_TO)
                                && isConstant(left) && isConstant(right)) {
                            // Two constants (an enum constant passed to a helper and the one it is compared with).
                            return String.valueOf(left.equals(right) == (b.getKind() == Tree.Kind.EQUAL_TO));
                        }
                        return left + " " + operator(b.getKind(), e) + " " + right;
                    }
                    if (e instanceof UnaryTree u && u.getKind() == Tree.Kind.UNARY_MINUS) {
                        // A constant written in as its value may be negative itself: -(-0.5), not --0.5.
                        String operand = scalar(u.getExpression());
                        return operand.startsWith("-") ? "-(" + operand + ")" : "-" + operand;
                    }
                    if (e instanceof UnaryTree u && u.getKind() == Tree.Kind.LOGICAL_COMPLEMENT) {
                        return "!" + scalar(u.getExpression());
                    }
                    throw new Unsupported(e, "the expression '" + e + "'");
                }
            }
        }

        /** The exception of a shape check: {@code new ShapeException("..." + shapes)}. */
        String exception(ExpressionTree e) {
            if (!(e instanceof NewClassTree n) || n.getEnclosingExpression() != null || n.getClassBody() != null) {
                throw new Unsupported(e, "it throws '" + e + "' (write throw new SomeException(message))");
            }
            List<String> args = new ArrayList<>();
            for (ExpressionTree a : n.getArguments()) {
                args.add(scalar(a));
            }
            return "new " + typeOf(n) + "(" + String.join(", ", args) + ")";
        }

        String literal(LiteralTree l) {
            Object v = l.getValue();
            return switch (l.getKind()) {
                case FLOAT_LITERAL -> v + "f";
                case LONG_LITERAL -> v + "L";
                case STRING_LITERAL, CHAR_LITERAL -> l.toString();
                default -> String.valueOf(v);
            };
        }

        String name(ExpressionTree e) {
            if (e instanceof IdentifierTree id && scalars.containsKey(id.getName().toString()) && !isField(e)) {
                return scalars.get(id.getName().toString());
            }
            if (e instanceof MemberSelectTree s && s.getIdentifier().contentEquals("length")
                    && arrayOf(s.getExpression()) != null) {
                return arrayOf(s.getExpression()).name() + ".length";
            }
            if (e instanceof MemberSelectTree s && s.getIdentifier().contentEquals("length")
                    && typeOf(s.getExpression()).getKind() == TypeKind.ARRAY) {
                return scalar(s.getExpression()) + ".length";
            }
            Element el = trees.getElement(TreePath.getPath(unit, e));
            if (el == null) {
                throw new Unsupported(e, "'" + e + "' does not resolve");
            }
            if (el.getKind() == ElementKind.FIELD || el.getKind() == ElementKind.ENUM_CONSTANT) {
                if (el.getModifiers().contains(Modifier.STATIC)) {
                    if (!el.getModifiers().contains(Modifier.PRIVATE)) {
                        String qualified = ((TypeElement) el.getEnclosingElement()).getQualifiedName() + "."
                                + el.getSimpleName();
                        if (el.getKind() == ElementKind.ENUM_CONSTANT) {
                            enumConstants.add(qualified);
                        }
                        return qualified;
                    }
                    // The generated class cannot name a private constant, but it can repeat its value.
                    Object value = el instanceof VariableElement v ? v.getConstantValue() : null;
                    if (value == null) {
                        throw new Unsupported(e, "it reads the private static field '" + el.getSimpleName()
                                + "', which the generated class cannot read; make it package-private");
                    }
                    return constant(value);
                }
                if (e instanceof MemberSelectTree s && !(s.getExpression() instanceof IdentifierTree t
                        && t.getName().contentEquals("this"))) {
                    throw new Unsupported(e, "it reads '" + e + "', a field of another object");
                }
                checkReadable(e, el);
                return "module." + el.getSimpleName();
            }
            throw new Unsupported(e, "it reads '" + e + "', which is not a hyperparameter (a literal, a field, a "
                    + "constant or a primitive local)");
        }

        String scalarCall(MethodInvocationTree call) {
            Element el = trees.getElement(TreePath.getPath(unit, call));
            if (!(el instanceof ExecutableElement m)) {
                throw new Unsupported(call, "the call '" + call + "' does not resolve");
            }
            String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
            String method = m.getSimpleName().toString();
            if (!owner.equals(TENSOR) && (isModuleMethod(call, m) && !isIsTraining(m)
                    || m.getModifiers().contains(Modifier.STATIC) && inPackage(m))) {
                return helperCall(call);
            }
            List<String> args = new ArrayList<>();
            for (ExpressionTree a : call.getArguments()) {
                args.add(scalar(a));
            }
            String list = String.join(", ", args);
            if (owner.equals(TENSOR) && !m.getModifiers().contains(Modifier.STATIC)) {
                if (!SHAPE_METHODS.contains(method)) {
                    throw new Unsupported(call, "it calls Tensor." + method + "(), which reads a tensor's values; "
                            + "a compiled forward follows shapes only");
                }
                ExpressionTree receiver = ((MemberSelectTree) call.getMethodSelect()).getExpression();
                Value v = tensor(receiver, null);
                tensorReads++;
                return ref(v) + "." + method + "(" + list + ")";
            }
            if (owner.equals("dev.kiln.nn.Module") && method.equals("isTraining")
                    && !(call.getMethodSelect() instanceof MemberSelectTree)) {
                return "module.isTraining()";
            }
            if (owner.equals("java.lang.Math")) {
                return "Math." + method + "(" + list + ")";
            }
            // Pure functions of shapes and strings, as in a shape check's condition and message.
            if (m.getModifiers().contains(Modifier.STATIC) && Set.of("java.util.Arrays", "dev.kiln.tensor.Shapes",
                    "java.lang.String", "java.lang.Integer", "java.lang.Long", "java.lang.Double").contains(owner)) {
                return owner + "." + method + "(" + list + ")";
            }
            if (method.equals("size") && call.getMethodSelect() instanceof MemberSelectTree s) {
                Element target = trees.getElement(TreePath.getPath(unit, s.getExpression()));
                if (target != null && target.getAnnotation(Layer.class) != null) {
                    return child(s.getExpression()) + ".size()";
                }
            }
            throw new Unsupported(call, "it calls " + simple(owner) + "." + method + "(...) in a hyperparameter, "
                    + "which Kiln does not know how to compile");
        }

        /**
         * A call of a method of the module ({@code checkInput(x)}, {@code momentumFactor()}) or of a
         * static helper of the module's package, run as is in the forward, where the body runs it; its
         * tensor arguments are the forward's values.
         */
        String helperCall(MethodInvocationTree call) {
            ExecutableElement m = (ExecutableElement) trees.getElement(TreePath.getPath(unit, call));
            if (m.getModifiers().contains(Modifier.PRIVATE)) {
                throw new Unsupported(call, "it calls the private method " + m.getSimpleName() + "(...), which the "
                        + "generated class cannot call; make it package-private");
            }
            List<String> args = new ArrayList<>();
            for (ExpressionTree a : call.getArguments()) {
                if (isTensor(typeOf(a))) {
                    tensorReads++;
                    args.add(ref(tensor(a, null)));
                } else {
                    args.add(scalar(a));
                }
            }
            String receiver = m.getModifiers().contains(Modifier.STATIC)
                    ? ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString() : "module";
            helperCalls++;
            return receiver + "." + m.getSimpleName() + "(" + String.join(", ", args) + ")";
        }

        /** A call of an instance method of the module itself ({@code check(x)} or {@code this.check(x)}). */
        boolean isModuleMethod(MethodInvocationTree call, ExecutableElement m) {
            boolean onThis = call.getMethodSelect() instanceof IdentifierTree
                    || call.getMethodSelect() instanceof MemberSelectTree s
                            && s.getExpression() instanceof IdentifierTree t && t.getName().contentEquals("this");
            return onThis && !m.getModifiers().contains(Modifier.STATIC)
                    && (m.getModifiers().contains(Modifier.PUBLIC) || inPackage(m));
        }

        /** A statement that calls a void method of the module or of a helper class, for its checks. */
        boolean isCheck(MethodInvocationTree call) {
            Element el = trees.getElement(TreePath.getPath(unit, call));
            return el instanceof ExecutableElement m && m.getReturnType().getKind() == TypeKind.VOID
                    && (isModuleMethod(call, m) || m.getModifiers().contains(Modifier.STATIC) && inPackage(m));
        }

        boolean isIsTraining(ExecutableElement m) {
            return m.getSimpleName().contentEquals("isTraining")
                    && ((TypeElement) m.getEnclosingElement()).getQualifiedName().contentEquals("dev.kiln.nn.Module");
        }

        /** Whether {@code m} is declared in the module's package, where the generated class lives. */
        boolean inPackage(ExecutableElement m) {
            return packageOf(m).equals(packageOf(type));
        }

        /**
         * Whether {@code source} is a constant whose equality is its text: an int or boolean literal, or an
         * enum constant.
         */
        boolean isConstant(String source) {
            return source.matches("-?\\d+|true|false") || enumConstants.contains(source);
        }

        boolean isNullCheck(BinaryTree b) {
            if (b.getKind() != Tree.Kind.EQUAL_TO && b.getKind() != Tree.Kind.NOT_EQUAL_TO) {
                return false;
            }
            ExpressionTree other = b.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL ? b.getRightOperand()
                    : b.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL ? b.getLeftOperand() : null;
            return other != null && (other instanceof IdentifierTree || other instanceof MemberSelectTree)
                    && (isTensor(typeOf(other)) || isTensorArray(typeOf(other)));
        }

        String ref(Value v) {
            return v.kind() == Value.Kind.PARAM || v.kind() == Value.Kind.CONSTANT ? "module." + v.name() : v.name();
        }

        String operator(Tree.Kind kind, Tree at) {
            return switch (kind) {
                case PLUS -> "+";
                case MINUS -> "-";
                case MULTIPLY -> "*";
                case DIVIDE -> "/";
                case REMAINDER -> "%";
                case EQUAL_TO -> "==";
                case NOT_EQUAL_TO -> "!=";
                case LESS_THAN -> "<";
                case LESS_THAN_EQUAL -> "<=";
                case GREATER_THAN -> ">";
                case GREATER_THAN_EQUAL -> ">=";
                case CONDITIONAL_AND -> "&&";
                case CONDITIONAL_OR -> "||";
                default -> throw new Unsupported(at, "the operator " + kind);
            };
        }
    }

    private static List<String> sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list;
    }

    private static String simple(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    /** A compile-time constant as a Java literal. */
    static String constant(Object value) {
        if (value instanceof String text) {
            return quote(text, '"');
        }
        if (value instanceof Character c) {
            return quote(String.valueOf(c), '\'');
        }
        if (value instanceof Double d) {
            return d.isNaN() ? "Double.NaN" : d.isInfinite() ? (d > 0 ? "Double.POSITIVE_INFINITY"
                    : "Double.NEGATIVE_INFINITY") : d.toString();
        }
        if (value instanceof Float f) {
            return f.isNaN() ? "Float.NaN" : f.isInfinite() ? (f > 0 ? "Float.POSITIVE_INFINITY"
                    : "Float.NEGATIVE_INFINITY") : f + "f";
        }
        if (value instanceof Long) {
            return value + "L";
        }
        if (value instanceof Short || value instanceof Byte) {
            return "(" + (value instanceof Short ? "short" : "byte") + ") " + value;
        }
        return value.toString();
    }

    private static String quote(String text, char quote) {
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }

    /** The type of a generated local as a person would write it: {@code String}, not {@code java.lang.String}. */
    private static String localType(TypeMirror t) {
        String name = t.toString();
        return name.startsWith("java.lang.") && name.indexOf('.', "java.lang.".length()) < 0
                ? name.substring("java.lang.".length()) : name;
    }

    private static String typeName(TypeMirror t) {
        return t.toString();
    }

    /** A hyperparameter type: a primitive, a boxed primitive or String, an enum, or an array of those. */
    static boolean isScalarType(TypeMirror t) {
        if (t.getKind().isPrimitive()) {
            return true;
        }
        if (t.getKind() == TypeKind.ARRAY) {
            return isScalarType(((ArrayType) t).getComponentType());
        }
        if (t.getKind() != TypeKind.DECLARED) {
            return false;
        }
        TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
        return e.getKind() == ElementKind.ENUM || SCALAR_CLASSES.contains(e.getQualifiedName().toString());
    }

    /**
     * The qualified name of {@code t} when it is a record whose components are all tensors (an LSTM cell's
     * {@code State}), null otherwise.
     */
    static String tensorRecord(TypeMirror t) {
        if (t == null || t.getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
        if (e.getKind() != ElementKind.RECORD || e.getRecordComponents().isEmpty()) {
            return null;
        }
        for (var component : e.getRecordComponents()) {
            if (!isTensor(component.asType())) {
                return null;
            }
        }
        return e.getQualifiedName().toString();
    }

    static boolean isTensorArray(TypeMirror t) {
        return t != null && t.getKind() == TypeKind.ARRAY && isTensor(((ArrayType) t).getComponentType());
    }

    /** A condition decided when the body is read. */
    static boolean isKnown(String condition) {
        return condition.equals("true") || condition.equals("false");
    }

    static boolean isTensor(TypeMirror t) {
        return t != null && t.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(TENSOR);
    }
}
