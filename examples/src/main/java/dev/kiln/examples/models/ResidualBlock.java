package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.BatchNorm1d;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Residual;
import dev.kiln.nn.Sequential;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * One block of needle's MLPResNet: {@code ReLU(x + body(x))} with body = Linear(dim, hidden), BatchNorm1d,
 * ReLU, Dropout(p), Linear(hidden, dim), BatchNorm1d. Input {@code [N, dim]}, output {@code [N, dim]}.
 */
public class ResidualBlock extends Module {
    @Layer Residual residual;

    /** A block on {@code dim} features with a bottleneck of {@code hidden}, drawn from {@code generator}. */
    public ResidualBlock(int dim, int hidden, double dropout, Generator generator) {
        residual = new Residual(new Sequential(
                new Linear(dim, hidden, true, generator, DType.FLOAT32),
                new BatchNorm1d(hidden),
                new ReLU(),
                new Dropout(dropout, generator),
                new Linear(hidden, dim, true, generator, DType.FLOAT32),
                new BatchNorm1d(dim)));
    }

    /** {@code [N, dim]} to {@code [N, dim]}. */
    @Forward
    public Tensor forward(Tensor x) {
        return relu(residual.forward(x));
    }
}
