package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Backends;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Shapes;
import dev.kiln.tensor.Tensor;

/**
 * The affine map of a linear layer, {@code y = x W^T + b}, as PyTorch's {@code F.linear}: one node
 * on the tape, with the derivative rules of the table's {@code linear} entry.
 *
 * <p>One op instead of {@code matmul(x, W.t()) + b} matters twice: the weight gradient comes out as
 * {@code g^T x}, already {@code [out, in]} and contiguous (through the transpose op it was a strided
 * view, which the optimizer had to copy every step), and a small layer pays for one node and one
 * output tensor instead of two, the bias being added in place.
 */
final class Affine {
    private Affine() {}

    /** x is {@code [*, in]}, weight {@code [out, in]}, bias {@code [out]} or null; the result is {@code [*, out]}. */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return linear(x, weight, bias, false);
    }

    /**
     * {@code relu(linear(x, weight, bias))} as one op: ReLU runs in place on the product, right after the
     * bias, with no tensor and no node of its own. The values are those of the two ops in sequence, bit
     * for bit, and so are the derivatives (ReLU's rule, then the linear map's).
     */
    static Tensor linearRelu(Tensor x, Tensor weight, Tensor bias) {
        return linear(x, weight, bias, true);
    }

    /** Errors name linear, the op the user called: linearRelu only ever runs for relu(linear(...)). */
    private static Tensor linear(Tensor x, Tensor weight, Tensor bias, boolean relu) {
        if (weight.dim() != 2) {
            throw new ShapeException("linear: weight of shape " + Shapes.str(weight.shape())
                    + " must be 2-d [out_features, in_features]");
        }
        if (x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new ShapeException("linear: input of shape " + Shapes.str(x.shape()) + " must end in in_features = "
                    + weight.size(1) + " (weight of shape " + Shapes.str(weight.shape()) + ")");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new ShapeException("linear: bias of shape " + Shapes.str(bias.shape()) + " must be ["
                    + weight.size(0) + "] (out_features)");
        }
        if (!x.dtype().isFloating() || x.dtype() != weight.dtype() || bias != null && bias.dtype() != x.dtype()) {
            throw new ShapeException("linear: input, weight and bias must have the same floating dtype, got "
                    + x.dtype() + ", " + weight.dtype() + (bias == null ? "" : " and " + bias.dtype())
                    + "; convert with to(DType.FLOAT32)");
        }
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        int[] outShape = x.shape();
        int rows = Shapes.numel(java.util.Arrays.copyOf(outShape, outShape.length - 1));
        outShape[outShape.length - 1] = outFeatures;
        Tensor y = Tensor.empty(x.dtype(), outShape);
        Backend backend = Backends.of(x);
        // Raw [1, rows, in] x [1, in, out] views, outside the graph: W^T is read in place by GEMM.
        Tensor xd = dense(x);
        Tensor x3 = new Tensor(xd.storage(), new int[] {1, rows, in}, new int[] {0, in, 1}, xd.offset(), xd.device());
        int[] ws = weight.strides();
        Tensor wt = new Tensor(weight.storage(), new int[] {1, in, outFeatures}, new int[] {0, ws[1], ws[0]},
                weight.offset(), weight.device());
        Tensor y3 = new Tensor(y.storage(), new int[] {1, rows, outFeatures}, new int[] {0, outFeatures, 1}, 0,
                y.device());
        backend.matmul(x3, wt, y3);
        if (bias != null) {
            backend.binary(BinaryOp.ADD, y, Kernels.expandTo(bias, outShape), y);
        }
        if (relu) {
            backend.unary(UnaryOp.RELU, y, y);
        }
        if (Autograd.needsGrad(x, weight, bias)) {
            Autograd.record(y, new Node(relu ? "linearRelu" : "linear", x, weight, bias) {
                final SavedTensor savedX = weight.requiresGrad() ? save(x) : null;
                final SavedTensor savedW = x.requiresGrad() ? save(weight) : null;
                final SavedTensor savedY = relu ? save(y) : null;

                @Override
                protected Tensor[] backward(Tensor gradY) {
                    Tensor g = relu ? Derivatives.reluGradX(gradY, savedY.get()) : gradY;
                    Tensor gx = needsGrad(0) ? Derivatives.linearGradX(g, savedW.get()) : null;
                    Tensor gw = needsGrad(1) ? Derivatives.linearGradWeight(g, savedX.get()) : null;
                    Tensor gb = needsGrad(2) ? Derivatives.linearGradBias(g, bias.shape()) : null;
                    return new Tensor[] {gx, gw, gb};
                }
            });
        }
        return y;
    }

    /** {@code t} itself when contiguous (so that the reshape is a view), else a contiguous copy outside the graph. */
    private static Tensor dense(Tensor t) {
        return t.isContiguous() ? t : Kernels.contiguousCopy(t);
    }
}
