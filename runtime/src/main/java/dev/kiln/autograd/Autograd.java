package dev.kiln.autograd;

import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the recorded graph, as in the seed lecture: each node sums
 * the partial adjoints it receives and passes its own on, in reverse topological order. The walk
 * is iterative (an explicit stack and a ready queue), so a graph of a million nodes does not
 * overflow the Java stack.
 */
public final class Autograd {
    private Autograd() {}

    /** Whether an op on these inputs should record a node: recording is on and some input needs a gradient. */
    public static boolean needsGrad(Tensor a) {
        return GradMode.isEnabled() && a.requiresGrad();
    }

    /** Whether an op on these inputs should record a node. */
    public static boolean needsGrad(Tensor a, Tensor b) {
        return GradMode.isEnabled() && (a.requiresGrad() || b.requiresGrad());
    }

    /** Whether an op on these inputs should record a node. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Attaches {@code node} as the producer of {@code out}, checking it for NaN in anomaly mode; returns out. */
    public static Tensor record(Tensor out, Node node) {
        out.setGradFn(node);
        if (AnomalyMode.isEnabled()) {
            AnomalyMode.checkForward(node.name(), out);
        }
        return out;
    }

    /** The node that adds incoming gradients into a leaf's {@code grad}. */
    public static Node accumulatorFor(Tensor leaf) {
        return new AccumulateGrad(leaf);
    }

    /** Back-propagates from {@code root}, accumulating into the {@code grad} of every leaf that requires one. */
    public static void backward(Tensor root, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        Node start = startNode("backward", root);
        run(start, seed("backward", root, gradOutput), retainGraph, createGraph, null);
    }

    /**
     * The gradients of {@code output} with respect to {@code inputs}, without touching any
     * {@code grad} field (like {@code torch.autograd.grad}); an input the output does not depend
     * on gets a zero gradient.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor gradOutput, boolean createGraph) {
        return grad(output, inputs, gradOutput, createGraph, createGraph);
    }

    /**
     * {@link #grad(Tensor, Tensor[], Tensor, boolean)} that keeps the graph for another backward
     * when {@code retainGraph} is set (as {@code torch.autograd.grad(..., retain_graph=True)}), so
     * the same output can be differentiated against several gradOutputs.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor gradOutput, boolean retainGraph,
            boolean createGraph) {
        Node start = startNode("grad", output);
        Map<Node, Tensor> captured = new IdentityHashMap<>();
        for (Tensor in : inputs) {
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("grad: an input of shape " + Shapes.str(in.shape())
                        + " does not require grad, so no gradient flows to it");
            }
            captured.put(target(in), null);
        }
        run(start, seed("grad", output, gradOutput), retainGraph, createGraph, captured);
        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = captured.get(target(inputs[i]));
            result[i] = g != null ? g : Tensor.zeros(inputs[i].dtype(), inputs[i].shape());
        }
        return result;
    }

    private static Node target(Tensor t) {
        return t.gradFn() != null ? t.gradFn() : t.gradAccumulator();
    }

    private static Node startNode(String op, Tensor root) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException(op + ": the tensor of shape " + Shapes.str(root.shape())
                    + " does not require grad and has no grad function: no input it depends on requires grad, "
                    + "or it was computed under GradMode.noGrad()");
        }
        return target(root);
    }

    private static Tensor seed(String op, Tensor root, Tensor gradOutput) {
        if (gradOutput == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException(op + ": a gradient can be created implicitly only for a "
                        + "one-element output; this output has shape " + Shapes.str(root.shape())
                        + ", so pass backward(gradOutput)");
            }
            return Tensor.ones(root.dtype(), root.shape());
        }
        if (!gradOutput.hasShape(root.shape())) {
            throw new IllegalArgumentException(op + ": gradOutput of shape " + Shapes.str(gradOutput.shape())
                    + " does not match the output's shape " + Shapes.str(root.shape()));
        }
        // A float64 gradOutput for a float32 output would otherwise turn every gradient float64.
        return gradOutput.dtype() == root.dtype() ? gradOutput : gradOutput.to(root.dtype());
    }

    /**
     * The engine. {@code captured}, when given, maps target nodes to the gradient they receive;
     * those nodes are not executed and no leaf accumulates.
     */
    private static void run(Node start, Tensor seed, boolean retainGraph, boolean createGraph,
            Map<Node, Tensor> captured) {
        Map<Node, int[]> dependencies = countDependencies(start);
        // grad(): only the nodes with a target strictly below them run (PyTorch's exec_info).
        Set<Node> needed = captured == null ? null : leadingTo(start, captured);
        Map<Node, Tensor> pending = new IdentityHashMap<>();
        pending.put(start, seed);
        // The gradients for the inputs of nodes whose backward the node above them already applied (made
        // on the first fold: most graphs have none).
        Map<Node, Tensor[]> folded = null;
        ArrayDeque<Node> ready = new ArrayDeque<>();
        ready.push(start);
        try (GradMode.Scope ignored = GradMode.set(createGraph)) {
            while (!ready.isEmpty()) {
                Node node = ready.pop();
                Tensor grad = pending.remove(node);
                if (captured != null && captured.containsKey(node)) {
                    captured.put(node, grad);
                    if (node instanceof AccumulateGrad) {
                        continue;
                    }
                }
                if (node instanceof AccumulateGrad acc) {
                    if (captured == null && grad != null) {
                        acc.accumulate(grad, createGraph);
                    }
                    continue;
                }
                if (captured == null && grad != null && node.retained() != null) {
                    accumulateInto(node.retained(), grad, createGraph);
                }
                boolean execute = grad != null && (needed == null || needed.contains(node));
                Tensor[] inputGrads = folded == null ? null : folded.remove(node);
                if (inputGrads == null && execute) {
                    Node below = foldable(node, dependencies, pending, captured, needed, createGraph);
                    Tensor[] belowGrads = below == null ? null : node.backwardFolding(below, grad);
                    if (belowGrads != null) {
                        if (folded == null) {
                            folded = new IdentityHashMap<>();
                        }
                        folded.put(below, belowGrads);
                        inputGrads = new Tensor[1]; // below is still released and counted down as usual
                    } else {
                        inputGrads = node.backward(grad, !retainGraph);
                    }
                }
                if (inputGrads != null && AnomalyMode.isEnabled()) {
                    AnomalyMode.checkBackward(node.name(), inputGrads);
                }
                Node[] next = node.next();
                for (int i = 0; i < next.length; i++) {
                    Node child = next[i];
                    if (child == null) {
                        continue;
                    }
                    Tensor g = inputGrads == null ? null : inputGrads[i];
                    if (g != null) {
                        pending.merge(child, g, Tensor::add);
                    }
                    if (--dependencies.get(child)[0] == 0) {
                        ready.push(child);
                    }
                }
                if (!retainGraph && (needed == null || needed.contains(node))) {
                    node.releaseSaved();
                }
            }
        }
    }

    /**
     * The node below {@code node} whose backward {@code node} may apply with its own (see
     * {@link Node#backwardFolding}), or null: {@code node} has one input, it is the last node left to send
     * that input's node a gradient and no other has sent one, and nothing observes the gradient between
     * them.
     */
    private static Node foldable(Node node, Map<Node, int[]> dependencies, Map<Node, Tensor> pending,
            Map<Node, Tensor> captured, Set<Node> needed, boolean createGraph) {
        if (createGraph || AnomalyMode.isEnabled() || node.next().length != 1) {
            return null;
        }
        Node below = node.next()[0];
        if (below == null || below instanceof AccumulateGrad || below.retained() != null) {
            return null;
        }
        boolean soleSender = dependencies.get(below)[0] == 1 && !pending.containsKey(below);
        boolean observed = captured != null && captured.containsKey(below);
        boolean wanted = needed == null || needed.contains(below);
        return soleSender && !observed && wanted ? below : null;
    }

    /** The nodes below {@code start} (itself included) that have some target strictly below them. */
    private static Set<Node> leadingTo(Node start, Map<Node, Tensor> targets) {
        Map<Node, Boolean> reaches = new IdentityHashMap<>(); // node or something below it is a target
        Set<Node> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>();
        ArrayDeque<Boolean> expanded = new ArrayDeque<>();
        stack.push(start);
        expanded.push(false);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            boolean done = expanded.pop();
            if (!done) {
                if (reaches.containsKey(node)) {
                    continue;
                }
                reaches.put(node, Boolean.FALSE); // in progress
                stack.push(node);
                expanded.push(true);
                for (Node child : node.next()) {
                    if (child != null && !reaches.containsKey(child)) {
                        stack.push(child);
                        expanded.push(false);
                    }
                }
            } else {
                boolean below = false;
                for (Node child : node.next()) {
                    below |= child != null && reaches.get(child);
                }
                if (below) {
                    needed.add(node);
                }
                reaches.put(node, below || targets.containsKey(node));
            }
        }
        return needed;
    }

    /** How many edges lead into each node reachable from {@code start} (an iterative depth-first walk). */
    private static Map<Node, int[]> countDependencies(Node start) {
        Map<Node, int[]> deps = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        deps.put(start, new int[1]);
        stack.push(start);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            for (Node child : node.next()) {
                if (child == null) {
                    continue;
                }
                int[] count = deps.get(child);
                if (count == null) {
                    deps.put(child, new int[] {1});
                    stack.push(child);
                } else {
                    count[0]++;
                }
            }
        }
        return deps;
    }

    /** Adds {@code grad} into {@code t.grad()}: never in place, so a gradient tensor may be shared. */
    private static void accumulateInto(Tensor t, Tensor grad, boolean createGraph) {
        Tensor g = createGraph ? grad : grad.detach();
        if (!g.hasShape(t.shape())) {
            throw new IllegalStateException("backward: gradient of shape " + Shapes.str(g.shape())
                    + " reached a tensor of shape " + Shapes.str(t.shape()) + " (a bug in an op's backward)");
        }
        Tensor previous = t.grad();
        if (previous == null) {
            t.setGrad(g);
        } else {
            try (GradMode.Scope ignored = GradMode.set(createGraph)) {
                t.setGrad(previous.add(g));
            }
        }
    }

    /**
     * A mark for {@link #reach}: the ops recorded after this call are the ones a later {@code reach}
     * with this mark counts as recorded since.
     */
    public static long mark() {
        return Node.nextSequence();
    }

    /**
     * What the graph behind {@code output} reads beyond the ops recorded since {@code mark} and the
     * leaves {@code own}.
     *
     * @param earlierOps it reaches ops recorded before the mark, which other graphs may share
     * @param foreignLeaf a leaf that needs a gradient, not in {@code own}, that it reaches (null if none)
     */
    public record Reach(boolean earlierOps, Tensor foreignLeaf) {}

    /**
     * Walks the graph behind {@code output}: whether it is a closed piece of tape, recorded since
     * {@code mark} and reading no leaves but {@code own} (compared by identity). A private tape whose
     * gradients are taken with respect to {@code own} alone, as a compiled forward's eager frames are,
     * must not free ops recorded before it nor silently drop a foreign leaf's gradient.
     */
    public static Reach reach(Tensor output, long mark, List<Tensor> own) {
        if (!output.requiresGrad()) {
            return new Reach(false, null); // no graph behind it
        }
        Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.addAll(own);
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> stack = new ArrayDeque<>();
        if (output.gradFn() != null) {
            stack.push(output.gradFn());
        }
        boolean earlier = false;
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (node instanceof AccumulateGrad acc) {
                if (!owned.contains(acc.leaf)) {
                    return new Reach(true, acc.leaf);
                }
                continue;
            }
            // Walked on past earlier ops: a foreign leaf behind them is the more useful thing to name.
            earlier |= node.sequence() < mark;
            for (Node next : node.next()) {
                if (next != null) {
                    stack.push(next);
                }
            }
        }
        if (output.gradFn() == null && !owned.contains(output)) {
            return new Reach(false, output);
        }
        return new Reach(earlier, null);
    }

    /** Adds incoming gradients into a leaf's {@code grad}; never in place, so a gradient tensor may be shared. */
    static final class AccumulateGrad extends Node {
        private final Tensor leaf;

        AccumulateGrad(Tensor leaf) {
            super("accumulateGrad");
            this.leaf = leaf;
        }

        void accumulate(Tensor grad, boolean createGraph) {
            accumulateInto(leaf, grad, createGraph);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            throw new UnsupportedOperationException("accumulateGrad is a sink");
        }
    }
}
