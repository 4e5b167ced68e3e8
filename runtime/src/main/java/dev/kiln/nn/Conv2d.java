package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.ReluFusable;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A 2-d convolution layer: input {@code [N, in_channels, H, W]} (or {@code [in_channels, H, W]}),
 * output {@code [N, out_channels, H_out, W_out]} with
 * {@code H_out = (H + 2 padding - dilation (kernel - 1) - 1) / stride + 1}. Parameters
 * {@code weight [out_channels, in_channels / groups, kH, kW]} and {@code bias [out_channels]}, drawn
 * from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), {@code fan_in = in_channels / groups * kH * kW}, as in PyTorch.
 */
public class Conv2d extends Module implements ReluFusable {
    @Param Tensor weight;
    @Param Tensor bias;
    // Package-private, not private: the generated Conv2d_Compiled reads them.
    final int inChannels;
    final int outChannels;
    final int[] kernelSize;
    final int[] stride;
    final int[] padding;
    final int[] dilation;
    final int groups;

    /** A square kernel, stride 1, no padding, with a bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** A square kernel with a stride and zero padding, with a bias ({@code nn.Conv2d(1, 16, 3, padding=1)} is {@code (1, 16, 3, 1, 1)}). */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    /** Square kernel, stride, padding and dilation, groups and an optional bias, from the global generator. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
            boolean bias) {
        this(inChannels, outChannels, pair(kernelSize), pair(stride), pair(padding), pair(dilation), groups, bias,
                Generator.global(), DType.FLOAT32);
    }

    /** Every setting as a (height, width) pair, initialized from {@code generator}, with parameters of {@code dtype}. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            int groups, boolean bias, Generator generator, DType dtype) {
        this.inChannels = LayerParams.positive("Conv2d", "in_channels", inChannels);
        this.outChannels = LayerParams.positive("Conv2d", "out_channels", outChannels);
        this.groups = LayerParams.positive("Conv2d", "groups", groups);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels (" + inChannels + ") and out_channels ("
                    + outChannels + ") must both be divisible by groups (" + groups + ")");
        }
        this.kernelSize = checked("kernel_size", kernelSize, 1);
        this.stride = checked("stride", stride, 1);
        this.padding = checked("padding", padding, 0);
        this.dilation = checked("dilation", dilation, 1);
        int fanIn = inChannels / groups * kernelSize[0] * kernelSize[1];
        this.weight = LayerParams.kaimingWeight(generator, dtype, fanIn, outChannels, inChannels / groups,
                kernelSize[0], kernelSize[1]);
        this.bias = bias ? LayerParams.uniform(generator, dtype, 1 / Math.sqrt(fanIn), outChannels) : null;
    }

    /** {@code [N, in_channels, H, W]} to {@code [N, out_channels, H_out, W_out]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** {@code relu(forward(x))} as the fused {@code Ops.conv2dRelu}, for compiled forwards; null in a subclass. */
    @Override
    public Frame fusedRelu(Tensor[] inputs, boolean[] needsGrad) {
        return getClass() == Conv2d.class ? new FusedConvFrame(this, inputs[0], needsGrad[0],
                leaves -> Ops.conv2dRelu(leaves[0], leaves[1], leaves[2], stride, padding, dilation, groups)) : null;
    }

    /**
     * {@code next.forward(relu(forward(x)))} as the fused {@code Ops.conv2dReluMaxPool2d} when {@code next} is
     * a {@code MaxPool2d}, for compiled forwards; null otherwise, and in a subclass of either.
     */
    @Override
    public Frame fusedReluThen(Module next, Tensor[] inputs, boolean[] needsGrad) {
        if (getClass() != Conv2d.class || next == null || next.getClass() != MaxPool2d.class) {
            return null;
        }
        MaxPool2d pool = (MaxPool2d) next;
        return new FusedConvFrame(this, inputs[0], needsGrad[0], leaves -> Ops.conv2dReluMaxPool2d(leaves[0],
                leaves[1], leaves[2], stride, padding, dilation, groups, pool.kernelSize, pool.stride, pool.padding,
                pool.dilation, pool.ceilMode));
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(LayerParams.pair(kernelSize))
                .append(", stride=").append(LayerParams.pair(stride));
        if (padding[0] != 0 || padding[1] != 0) {
            s.append(", padding=").append(LayerParams.pair(padding));
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            s.append(", dilation=").append(LayerParams.pair(dilation));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    private static int[] pair(int v) {
        return new int[] {v, v};
    }

    private static int[] checked(String name, int[] p, int min) {
        if (p.length != 2 || p[0] < min || p[1] < min) {
            throw new IllegalArgumentException("Conv2d: " + name + " must be two values >= " + min
                    + " (height, width), got " + java.util.Arrays.toString(p));
        }
        return p.clone();
    }
}
