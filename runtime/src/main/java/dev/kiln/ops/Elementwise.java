package dev.kiln.ops;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.Tensor;

/** Element-wise functions of one tensor (math and activations), each with its backward. */
final class Elementwise {
    private Elementwise() {}

    static Tensor neg(Tensor x) {
        Kernels.requireArgs("neg", x);
        Tensor out = Kernels.unary(UnaryOp.NEG, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("neg", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.negGradX(g)};
                }
            });
        }
        return out;
    }

    static Tensor exp(Tensor x) {
        Kernels.requireArgs("exp", x);
        Tensor out = Kernels.unary(UnaryOp.EXP, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("exp", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.expGradX(g, savedOut.get())};
                }
            });
        }
        return out;
    }

    static Tensor log(Tensor x) {
        Kernels.requireArgs("log", x);
        Tensor out = Kernels.unary(UnaryOp.LOG, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("log", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.logGradX(g, savedX.get())};
                }
            });
        }
        return out;
    }

    static Tensor sqrt(Tensor x) {
        Kernels.requireArgs("sqrt", x);
        Tensor out = Kernels.unary(UnaryOp.SQRT, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("sqrt", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.sqrtGradX(g, savedOut.get())};
                }
            });
        }
        return out;
    }

    static Tensor square(Tensor x) {
        Kernels.requireArgs("square", x);
        Tensor out = Kernels.unary(UnaryOp.SQUARE, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("square", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.squareGradX(g, savedX.get())};
                }
            });
        }
        return out;
    }

    static Tensor abs(Tensor x) {
        Kernels.requireArgs("abs", x);
        Tensor out = Kernels.unary(UnaryOp.ABS, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("abs", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {g.mul(Kernels.unary(UnaryOp.SIGN, savedX.get().detach()))};
                }
            });
        }
        return out;
    }

    static Tensor relu(Tensor x) {
        Kernels.requireArgs("relu", x);
        Tensor out = Kernels.unary(UnaryOp.RELU, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new ReluNode(x, out));
        }
        return out;
    }

    /**
     * ReLU's node, a named class so that the max pooling above it can {@linkplain Node#backwardFolding
     * fold} its backward into the pool's own (see {@link Pooling#maxPool2d}).
     */
    static final class ReluNode extends Node {
        // The output suffices: x > 0 exactly where relu(x) > 0.
        private final SavedTensor savedOut;

        ReluNode(Tensor x, Tensor out) {
            super("relu", x);
            savedOut = save(out);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {Derivatives.reluGradX(g, output())};
        }

        /** The output, checked against in-place modification exactly as {@link #backward} checks it. */
        Tensor output() {
            return savedOut.get();
        }
    }

    /** 1 where x &gt; 0, else 0, outside the graph (a step function has no useful derivative). */
    static Tensor positive(Tensor x) {
        return Kernels.binaryScalar(BinaryOp.GT, x.detach(), 0);
    }

    /**
     * {@code g} where {@code out > 0}, else 0: ReLU's backward in one pass. It is linear in {@code g}
     * with the same mask, so it is its own derivative with respect to {@code g}; the mask is a step
     * function of {@code out}, whose derivative is zero wherever it exists.
     */
    static Tensor reluBackward(Tensor g, Tensor out) {
        Tensor mask = out.detach();
        Tensor result = Kernels.binary("reluBackward", BinaryOp.PASS_IF_POSITIVE, mask, g);
        if (Autograd.needsGrad(g)) {
            Autograd.record(result, new Node("reluBackward", g) {
                @Override
                protected Tensor[] backward(Tensor gg) {
                    return new Tensor[] {reluBackward(gg, mask)};
                }
            });
        }
        return result;
    }

    static Tensor sigmoid(Tensor x) {
        Kernels.requireArgs("sigmoid", x);
        Tensor out = Kernels.unary(UnaryOp.SIGMOID, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("sigmoid", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.sigmoidGradX(g, savedOut.get())};
                }
            });
        }
        return out;
    }

    static Tensor tanh(Tensor x) {
        Kernels.requireArgs("tanh", x);
        Tensor out = Kernels.unary(UnaryOp.TANH, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("tanh", x) {
                final SavedTensor savedOut = save(out);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.tanhGradX(g, savedOut.get())};
                }
            });
        }
        return out;
    }

    /** The exact (erf) GELU, PyTorch's default: x * Phi(x). */
    static Tensor gelu(Tensor x) {
        Kernels.requireArgs("gelu", x);
        Tensor out = Kernels.unary(UnaryOp.GELU, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("gelu", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor xv = savedX.get();
                    // d/dx x Phi(x) = Phi(x) + x phi(x)
                    Tensor cdf = erf(xv.mul(Math.sqrt(0.5))).add(1).mul(0.5);
                    Tensor pdf = xv.mul(xv).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
                    return new Tensor[] {g.mul(cdf.add(xv.mul(pdf)))};
                }
            });
        }
        return out;
    }

    static Tensor erf(Tensor x) {
        Kernels.requireArgs("erf", x);
        Tensor out = Kernels.unary(UnaryOp.ERF, x);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("erf", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor xv = savedX.get();
                    return new Tensor[] {g.mul(xv.mul(xv).neg().exp().mul(2 / Math.sqrt(Math.PI)))};
                }
            });
        }
        return out;
    }
}
