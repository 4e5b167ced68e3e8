package dev.kiln.ops;

import static dev.kiln.ops.ShapeOps.sumTo;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Node;
import dev.kiln.autograd.SavedTensor;
import dev.kiln.backend.BinaryOp;
import dev.kiln.tensor.Tensor;

/** Broadcasting arithmetic of two tensors and of a tensor and a scalar, each with its backward. */
final class Arithmetic {
    private Arithmetic() {}

    static Tensor add(Tensor a, Tensor b) {
        Kernels.requireArgs("add", a, b);
        Tensor out = Kernels.binary("add", BinaryOp.ADD, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node("add", a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {needsGrad(0) ? Derivatives.addGradA(g, as) : null,
                        needsGrad(1) ? Derivatives.addGradB(g, bs) : null};
                }
            });
        }
        return out;
    }

    static Tensor sub(Tensor a, Tensor b) {
        Kernels.requireArgs("sub", a, b);
        Tensor out = Kernels.binary("sub", BinaryOp.SUB, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node("sub", a, b) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {needsGrad(0) ? Derivatives.subGradA(g, as) : null,
                        needsGrad(1) ? Derivatives.subGradB(g, bs) : null};
                }
            });
        }
        return out;
    }

    static Tensor mul(Tensor a, Tensor b) {
        Kernels.requireArgs("mul", a, b);
        Tensor out = Kernels.binary("mul", BinaryOp.MUL, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node("mul", a, b) {
                // d(ab)/da = b, d(ab)/db = a: each gradient needs the other operand.
                final SavedTensor savedA = b.requiresGrad() ? save(a) : null;
                final SavedTensor savedB = a.requiresGrad() ? save(b) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {needsGrad(0) ? Derivatives.mulGradA(g, as, savedB.get()) : null,
                        needsGrad(1) ? Derivatives.mulGradB(g, savedA.get(), bs) : null};
                }
            });
        }
        return out;
    }

    static Tensor div(Tensor a, Tensor b) {
        Kernels.requireArgs("div", a, b);
        Tensor out = Kernels.binary("div", BinaryOp.DIV, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node("div", a, b) {
                final SavedTensor savedA = b.requiresGrad() ? save(a) : null;
                final SavedTensor savedB = save(b);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor bv = savedB.get();
                    // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
                    return new Tensor[] {needsGrad(0) ? Derivatives.divGradA(g, as, bv) : null,
                        needsGrad(1) ? Derivatives.divGradB(g, savedA.get(), bv, bs) : null};
                }
            });
        }
        return out;
    }

    static Tensor pow(Tensor a, Tensor b) {
        Kernels.requireArgs("pow", a, b);
        Tensor out = Kernels.binary("pow", BinaryOp.POW, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node("pow", a, b) {
                final SavedTensor savedA = save(a);
                final SavedTensor savedB = save(b);
                final SavedTensor savedOut = b.requiresGrad() ? save(out) : null;

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor av = savedA.get();
                    Tensor bv = savedB.get();
                    // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a (taken as 0 where a = 0, as PyTorch does)
                    Tensor ga = needsGrad(0) ? sumTo(g.mul(bv).mul(av.pow(bv.sub(1))), as) : null;
                    Tensor gb = null;
                    if (needsGrad(1)) {
                        Tensor logA = Ops.where(av.eq(Tensor.scalar(av.dtype(), 0)), Tensor.scalar(av.dtype(), 0), av.log());
                        gb = sumTo(g.mul(savedOut.get()).mul(logA), bs);
                    }
                    return new Tensor[] {ga, gb};
                }
            });
        }
        return out;
    }

    static Tensor maximum(Tensor a, Tensor b) {
        return extremum("maximum", BinaryOp.MAX, BinaryOp.GT, a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return extremum("minimum", BinaryOp.MIN, BinaryOp.LT, a, b);
    }

    /** max/min of two tensors; on ties the gradient is split evenly, as in PyTorch. */
    private static Tensor extremum(String name, BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
        Kernels.requireArgs(name, a, b);
        Tensor out = Kernels.binary(name, op, a, b);
        if (Autograd.needsGrad(a, b)) {
            int[] as = a.shape();
            int[] bs = b.shape();
            Autograd.record(out, new Node(name, a, b) {
                final SavedTensor savedA = save(a);
                final SavedTensor savedB = save(b);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor av = savedA.get().detach();
                    Tensor bv = savedB.get().detach();
                    Tensor ties = Kernels.binary(name, BinaryOp.EQ, av, bv).mul(0.5);
                    Tensor aShare = Kernels.binary(name, wins, av, bv).add(ties).to(g.dtype());
                    Tensor bShare = Kernels.binary(name, wins, bv, av).add(ties).to(g.dtype());
                    return new Tensor[] {needsGrad(0) ? sumTo(g.mul(aShare), as) : null,
                        needsGrad(1) ? sumTo(g.mul(bShare), bs) : null};
                }
            });
        }
        return out;
    }

    /** A comparison: 1 or 0 in the promoted dtype, outside the graph (a step has no useful derivative). */
    static Tensor compare(String name, BinaryOp op, Tensor a, Tensor b) {
        Kernels.requireArgs(name, a, b);
        return Kernels.binary(name, op, a.detach(), b.detach());
    }

    /** A comparison with a scalar. */
    static Tensor compare(String name, BinaryOp op, Tensor a, double s) {
        Kernels.requireArgs(name, a);
        return Kernels.binaryScalar(op, a.detach(), s);
    }

    // ------------------------------------------------------------ scalar forms

    static Tensor addScalar(Tensor a, double s) {
        Kernels.requireArgs("add", a);
        Tensor out = Kernels.binaryScalar(BinaryOp.ADD, a, s);
        if (Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("add", a) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.addScalarGradA(g)};
                }
            });
        }
        return out;
    }

    static Tensor mulScalar(Tensor a, double s) {
        Kernels.requireArgs("mul", a);
        Tensor out = Kernels.binaryScalar(BinaryOp.MUL, a, s);
        if (Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("mul", a) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.mulScalarGradA(g, s)};
                }
            });
        }
        return out;
    }

    /** {@code a / s}: divides (rather than multiplying by 1/s) so results match PyTorch's rounding. */
    static Tensor divScalar(Tensor a, double s) {
        Kernels.requireArgs("div", a);
        Tensor out = Kernels.binaryScalar(BinaryOp.DIV, a, s);
        if (Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("div", a) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.divScalarGradA(g, s)};
                }
            });
        }
        return out;
    }

    /** {@code min(max(x, lo), hi)}; the gradient passes where lo &lt;= x &lt;= hi, as in PyTorch. */
    static Tensor clamp(Tensor x, double lo, double hi) {
        Kernels.requireArgs("clamp", x);
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            throw new IllegalArgumentException("clamp: bounds must not be NaN, got min " + lo + " and max " + hi);
        }
        Tensor out = Kernels.binaryScalar(BinaryOp.MIN, Kernels.binaryScalar(BinaryOp.MAX, x, lo), hi);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("clamp", x) {
                final SavedTensor savedX = save(x);

                @Override
                protected Tensor[] backward(Tensor g) {
                    Tensor xv = savedX.get().detach();
                    Tensor inside = Kernels.binaryScalar(BinaryOp.GE, xv, lo)
                            .mul(Kernels.binaryScalar(BinaryOp.LE, xv, hi));
                    return new Tensor[] {g.mul(inside.to(g.dtype()))};
                }
            });
        }
        return out;
    }

    /** {@code s - a}. */
    static Tensor rsubScalar(double s, Tensor a) {
        Kernels.requireArgs("rsub", a);
        Tensor out = Kernels.scalarBinary(BinaryOp.SUB, s, a);
        if (Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("rsub", a) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.rsubScalarGradA(g)};
                }
            });
        }
        return out;
    }

    /** {@code s / a}. */
    static Tensor rdivScalar(double s, Tensor a) {
        Kernels.requireArgs("rdiv", a);
        Tensor out = Kernels.scalarBinary(BinaryOp.DIV, s, a);
        if (Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("rdiv", a) {
                final SavedTensor savedA = save(a);

                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {Derivatives.rdivScalarGradA(g, s, savedA.get())};
                }
            });
        }
        return out;
    }

    static Tensor powScalar(Tensor a, double exponent) {
        Kernels.requireArgs("pow", a);
        if (!a.dtype().isFloating() && exponent < 0 && exponent == Math.rint(exponent)) {
            throw new IllegalArgumentException("pow: an " + a.dtype() + " tensor cannot be raised to the negative "
                    + "integer power " + exponent + "; convert it with to(DType.FLOAT32) first");
        }
        Tensor out = exponent == 2 ? Elementwise.square(a) : Kernels.binaryScalar(BinaryOp.POW, a, exponent);
        if (exponent != 2 && Autograd.needsGrad(a)) {
            Autograd.record(out, new Node("pow", a) {
                final SavedTensor savedA = save(a);

                @Override
                protected Tensor[] backward(Tensor g) {
                    if (exponent == 0) {
                        return new Tensor[] {g.mul(0)};
                    }
                    return new Tensor[] {g.mul(savedA.get().pow(exponent - 1)).mul(exponent)};
                }
            });
        }
        return out;
    }
}
