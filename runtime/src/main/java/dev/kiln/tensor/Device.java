package dev.kiln.tensor;

import java.util.Objects;

/** Where a tensor's storage lives: the host ({@link #cpu()}) or a CUDA device ({@link #cuda(int)}). */
public final class Device {
    /** The kinds of device Kiln knows. */
    public enum Kind { CPU, CUDA }

    private static final Device CPU = new Device(Kind.CPU, 0);

    private final Kind kind;
    private final int index;

    private Device(Kind kind, int index) {
        this.kind = kind;
        this.index = index;
    }

    /** The host. */
    public static Device cpu() {
        return CPU;
    }

    /** The first CUDA device. */
    public static Device cuda() {
        return cuda(0);
    }

    /** The CUDA device with the given ordinal. */
    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("cuda device index must be >= 0, got " + index);
        }
        return new Device(Kind.CUDA, index);
    }

    public Kind kind() {
        return kind;
    }

    public int index() {
        return index;
    }

    public boolean isCpu() {
        return kind == Kind.CPU;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.kind == kind && d.index == index;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, index);
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
