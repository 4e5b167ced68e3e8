package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.compiled.Frame;
import dev.kiln.compiled.ReluFusable;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A fully connected layer, {@code y = x W^T + b}: input {@code [*, in_features]}, output
 * {@code [*, out_features]}. Parameters {@code weight [out_features, in_features]} and
 * {@code bias [out_features]}, both drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)) as in PyTorch.
 */
public class Linear extends Module implements ReluFusable {
    @Param Tensor weight;
    @Param Tensor bias;
    private final int inFeatures;
    private final int outFeatures;

    /** A layer with a bias, initialized from the global generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /** A layer with or without a bias, initialized from the global generator. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Generator.global(), DType.FLOAT32);
    }

    /** A layer initialized from {@code generator}, with parameters of {@code dtype}. */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator, DType dtype) {
        this.inFeatures = LayerParams.positive("Linear", "in_features", inFeatures);
        this.outFeatures = LayerParams.positive("Linear", "out_features", outFeatures);
        this.weight = LayerParams.kaimingWeight(generator, dtype, inFeatures, outFeatures, inFeatures);
        this.bias = bias ? LayerParams.uniform(generator, dtype, 1 / Math.sqrt(inFeatures), outFeatures) : null;
    }

    /** {@code [*, in_features]} to {@code [*, out_features]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }

    /** {@code relu(forward(x))} as the fused {@code Ops.linearRelu}, for compiled forwards; null in a subclass. */
    @Override
    public Frame fusedRelu(Tensor[] inputs, boolean[] needsGrad) {
        return getClass() == Linear.class ? new LinearReluFrame(this, inputs[0], needsGrad[0]) : null;
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + LayerParams.pyBool(bias != null);
    }
}
