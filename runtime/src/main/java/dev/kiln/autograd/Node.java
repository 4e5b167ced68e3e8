package dev.kiln.autograd;

import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One recorded op in the autograd graph: it knows where each input's gradient goes and how to
 * turn the gradient of its output into gradients of its inputs. Ops define their node next to
 * their forward, as an anonymous subclass, with the backward written in differentiable tensor
 * ops, so that a backward recorded with {@code createGraph} can itself be differentiated.
 */
public abstract class Node {
    /** The next node's {@link #sequence}: nodes are numbered in the order the forward records them. */
    private static final AtomicLong NEXT_SEQUENCE = new AtomicLong();

    private final String name;
    private final long sequence = NEXT_SEQUENCE.getAndIncrement();
    private final Node[] next;
    // Allocated on the first save: most nodes (add, reshape, ...) save nothing, and graphs can have millions.
    private List<SavedTensor> saved;
    private Tensor retained;

    /** A node for op {@code name} applied to {@code inputs} (inputs that need no gradient get none). */
    protected Node(String name, Tensor... inputs) {
        this.name = name;
        this.next = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in != null && in.requiresGrad()) {
                next[i] = in.gradFn() != null ? in.gradFn() : in.gradAccumulator();
            }
        }
    }

    /** The number the next node will get: nodes recorded from now on have this number or a larger one. */
    static long nextSequence() {
        return NEXT_SEQUENCE.get();
    }

    /** This node's number in recording order (PyTorch's {@code sequence_nr}). */
    final long sequence() {
        return sequence;
    }

    /** The op's name, used in error messages and anomaly reports. */
    public String name() {
        return name;
    }

    /** Whether input {@code i} needs a gradient: backward may skip computing the others. */
    protected final boolean needsGrad(int i) {
        return next[i] != null;
    }

    /** Keeps {@code t} for backward, guarded against in-place modification. */
    protected final SavedTensor save(Tensor t) {
        SavedTensor s = new SavedTensor(name, t);
        if (saved == null) {
            saved = new ArrayList<>(2);
        }
        saved.add(s);
        return s;
    }

    /** Gradients of the inputs, in input order (null where an input needs none), from the output's gradient. */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /**
     * This node's backward and that of {@code below}, the node that produced its input, in one pass: the
     * gradients of {@code below}'s inputs, in its input order, or null (the default) where this node does
     * not fold that kind of node. The engine then skips {@code below}'s backward and hands on these
     * gradients instead. It asks only where nothing could tell the difference: this node has one input,
     * no other node sends {@code below} a gradient, and nothing looks at the gradient in between (no
     * retained grad, no target of {@link Autograd#grad}, no recorded backward, no anomaly mode). Max
     * pooling folds the ReLU below it, every block of a CNN, which saves a pass over the larger gradient.
     */
    protected Tensor[] backwardFolding(Node below, Tensor gradOutput) {
        return null;
    }

    /**
     * The engine's call of {@link #backward}: {@code lastBackward} when it will release this node right
     * after ({@code retainGraph} false), so a node may free what it saved while its backward runs.
     */
    Tensor[] backward(Tensor gradOutput, boolean lastBackward) {
        return backward(gradOutput);
    }

    /**
     * Makes backward store the gradient of {@code output} (the tensor this node produced) in its
     * {@code grad}; {@link Tensor#retainGrad()} calls this.
     */
    public final void retainGradOf(Tensor output) {
        if (output.gradFn() != this) {
            throw new IllegalArgumentException("retainGrad: the tensor of shape "
                    + java.util.Arrays.toString(output.shape()) + " was not produced by " + this);
        }
        retained = output;
    }

    /** The output whose gradient backward stores, or null. */
    Tensor retained() {
        return retained;
    }

    Node[] next() {
        return next;
    }

    void releaseSaved() {
        if (saved != null) {
            for (SavedTensor s : saved) {
                s.release();
            }
        }
    }

    @Override
    public String toString() {
        return name + "Backward";
    }
}
