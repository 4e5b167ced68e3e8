package dev.kiln.ops;

import static dev.kiln.ops.OpInfo.Layout.CONTIGUOUS;
import static dev.kiln.ops.OpInfo.Layout.STRIDED;
import static dev.kiln.ops.OpInfo.Layout.TRANSPOSED;

import dev.kiln.ops.OpInfo.Domain;
import dev.kiln.ops.OpInfo.Layout;
import dev.kiln.ops.OpInfo.Role;
import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.ops.OpInfo.SampleBuilder;
import dev.kiln.tensor.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The sample generators of the op table, one per family of ops: each covers 0-d scalars, size-1
 * and broadcast dimensions, non-contiguous (transposed and strided) inputs, and a few seeded
 * random shapes.
 */
final class SampleInputs {
    private SampleInputs() {}

    /** A shape of rank in [minRank, maxRank] with sizes in [1, maxSize]. */
    static int[] randomShape(Generator g, int minRank, int maxRank, int maxSize) {
        int rank = minRank + g.nextInt(maxRank - minRank + 1);
        int[] s = new int[rank];
        for (int d = 0; d < rank; d++) {
            s[d] = 1 + g.nextInt(maxSize);
        }
        return s;
    }

    static Function<Generator, List<Sample>> unary(Domain domain) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            for (int[] shape : new int[][] {{}, {1}, {7}, {3, 4}, {2, 1, 3}}) {
                out.add(new SampleBuilder(g).value(domain, shape).build());
            }
            out.add(new SampleBuilder(g).value(domain, TRANSPOSED, 3, 4).build());
            out.add(new SampleBuilder(g).value(domain, STRIDED, 2, 3, 4).build());
            out.add(new SampleBuilder(g).value(domain, STRIDED).build());
            for (int i = 0; i < 2; i++) {
                out.add(new SampleBuilder(g).value(domain, randomShape(g, 1, 3, 4)).label("random").build());
            }
            return out;
        };
    }

    /** A tensor and a scalar operand. */
    static Function<Generator, List<Sample>> withScalar(Domain domain, double... scalars) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            int[][] shapes = {{}, {5}, {3, 4}, {2, 1, 3}};
            for (int i = 0; i < scalars.length; i++) {
                double s = scalars[i];
                out.add(new SampleBuilder(g).value(domain, shapes[i % shapes.length]).scalar(s).label("s=" + s)
                        .build());
            }
            out.add(new SampleBuilder(g).value(domain, TRANSPOSED, 3, 4).scalar(scalars[0])
                    .label("s=" + scalars[0]).build());
            out.add(new SampleBuilder(g).value(domain, STRIDED, 2, 3).scalar(scalars[scalars.length - 1])
                    .label("s=" + scalars[scalars.length - 1]).build());
            return out;
        };
    }

    /** Pairs of broadcasting shapes and layouts. */
    static Function<Generator, List<Sample>> binary(Domain a, Domain b) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            int[][][] pairs = {
                {{}, {}}, {{5}, {5}}, {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{}, {2, 3}},
                {{2, 3}, {}}, {{2, 1, 3}, {4, 1}}, {{1}, {5}}, {{2, 3, 1}, {1}},
            };
            for (int[][] p : pairs) {
                out.add(new SampleBuilder(g).value(a, p[0]).value(b, p[1]).build());
            }
            out.add(new SampleBuilder(g).value(a, TRANSPOSED, 3, 4).value(b, STRIDED, 3, 4).build());
            out.add(new SampleBuilder(g).value(a, STRIDED, 2, 3, 4).value(b, TRANSPOSED, 3, 4).build());
            out.add(new SampleBuilder(g).value(a, STRIDED, 4).value(b, TRANSPOSED, 3, 1).build());
            for (int i = 0; i < 2; i++) {
                int[] s = randomShape(g, 1, 3, 4);
                int[] t = s.clone();
                for (int d = 0; d < t.length; d++) {
                    if (g.nextInt(2) == 0) {
                        t[d] = 1;
                    }
                }
                int drop = g.nextInt(t.length + 1);
                t = Arrays.copyOfRange(t, drop, t.length);
                boolean swap = g.nextInt(2) == 0;
                out.add(new SampleBuilder(g).value(a, swap ? t : s).value(b, swap ? s : t).label("random").build());
            }
            return out;
        };
    }

    /** (shape, layout, dims) for reductions; each with keepDim false and true. */
    static Function<Generator, List<Sample>> reductions(Domain domain) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            add(out, g, domain, CONTIGUOUS, new int[] {}, new int[][] {{}, {0}});
            add(out, g, domain, CONTIGUOUS, new int[] {5}, new int[][] {{}, {0}, {-1}});
            add(out, g, domain, CONTIGUOUS, new int[] {3, 4}, new int[][] {{}, {0}, {1}, {-1}, {0, 1}});
            add(out, g, domain, TRANSPOSED, new int[] {3, 4}, new int[][] {{0}, {1}});
            add(out, g, domain, CONTIGUOUS, new int[] {2, 3, 4},
                    new int[][] {{}, {0}, {1}, {2}, {0, 2}, {1, 2}, {-1, 0}});
            add(out, g, domain, STRIDED, new int[] {2, 3, 4}, new int[][] {{1}, {0, 2}, {}});
            add(out, g, domain, CONTIGUOUS, new int[] {2, 1, 3}, new int[][] {{1}, {0, 1}});
            return out;
        };
    }

    private static void add(List<Sample> out, Generator g, Domain domain, Layout layout, int[] shape,
            int[][] dimsList) {
        for (int[] dims : dimsList) {
            for (boolean keep : new boolean[] {false, true}) {
                out.add(new SampleBuilder(g).value(domain, layout, shape).ints(dims).flag(keep)
                        .label("dims=" + Arrays.toString(dims) + (keep ? " keepDim" : "")).build());
            }
        }
    }

    /** One dimension at a time (argmax, softmax): the dimension in ints[0], keepDim in flag. */
    static Function<Generator, List<Sample>> alongDim(Domain domain, boolean withKeepDim) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Object[][] cases = {
                {CONTIGUOUS, new int[] {}, new int[] {0, -1}},
                {CONTIGUOUS, new int[] {5}, new int[] {0, -1}},
                {CONTIGUOUS, new int[] {3, 4}, new int[] {0, 1}},
                {TRANSPOSED, new int[] {3, 4}, new int[] {0, -1}},
                {CONTIGUOUS, new int[] {2, 3, 4}, new int[] {0, 1, 2}},
                {STRIDED, new int[] {2, 3, 4}, new int[] {-1, 1}},
                {CONTIGUOUS, new int[] {2, 1, 3}, new int[] {1}},
            };
            for (Object[] c : cases) {
                for (int dim : (int[]) c[2]) {
                    for (boolean keep : withKeepDim ? new boolean[] {false, true} : new boolean[] {false}) {
                        out.add(new SampleBuilder(g).value(domain, (Layout) c[0], (int[]) c[1]).ints(dim).flag(keep)
                                .label("dim=" + dim + (keep ? " keepDim" : "")).build());
                    }
                }
            }
            return out;
        };
    }

    static Function<Generator, List<Sample>> matmul() {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Object[][] cases = {
                {new int[] {3}, CONTIGUOUS, new int[] {3}, CONTIGUOUS},
                {new int[] {2, 3}, CONTIGUOUS, new int[] {3, 4}, CONTIGUOUS},
                {new int[] {3}, CONTIGUOUS, new int[] {3, 4}, CONTIGUOUS},
                {new int[] {2, 3}, CONTIGUOUS, new int[] {3}, STRIDED},
                {new int[] {1, 3}, CONTIGUOUS, new int[] {3, 1}, CONTIGUOUS},
                {new int[] {2, 2, 3}, CONTIGUOUS, new int[] {2, 3, 4}, CONTIGUOUS},
                {new int[] {2, 2, 3}, CONTIGUOUS, new int[] {3, 4}, CONTIGUOUS},
                {new int[] {2, 3}, TRANSPOSED, new int[] {2, 3, 4}, CONTIGUOUS},
                {new int[] {3}, CONTIGUOUS, new int[] {2, 3, 4}, TRANSPOSED},
                {new int[] {2, 3, 2}, CONTIGUOUS, new int[] {2}, CONTIGUOUS},
                {new int[] {2, 1, 2, 3}, CONTIGUOUS, new int[] {3, 3, 2}, CONTIGUOUS},
                {new int[] {3, 4}, TRANSPOSED, new int[] {4, 2}, TRANSPOSED},
                {new int[] {3, 4}, STRIDED, new int[] {4, 2}, STRIDED},
                {new int[] {2, 3, 4}, STRIDED, new int[] {2, 4, 3}, TRANSPOSED},
                {new int[] {5, 1}, CONTIGUOUS, new int[] {1, 4}, CONTIGUOUS},
            };
            for (Object[] c : cases) {
                out.add(new SampleBuilder(g).value(Domain.REAL, (Layout) c[1], (int[]) c[0])
                        .value(Domain.REAL, (Layout) c[3], (int[]) c[2]).build());
            }
            return out;
        };
    }

    /** One tensor and a list of ints (shape, order, dims). */
    static Function<Generator, List<Sample>> withInts(Object[][] cases) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            for (Object[] c : cases) {
                int[] ints = (int[]) c[2];
                out.add(new SampleBuilder(g).value(Domain.REAL, (Layout) c[0], (int[]) c[1]).ints(ints)
                        .label(Arrays.toString(ints)).build());
            }
            return out;
        };
    }

    /** Several tensors joined along ints[0]: {layouts, shapes..., dim}. */
    static Function<Generator, List<Sample>> joining(Object[][] cases) {
        return g -> {
            List<Sample> out = new ArrayList<>();
            for (Object[] c : cases) {
                Layout[] layouts = (Layout[]) c[0];
                int[][] shapes = (int[][]) c[1];
                int dim = (Integer) c[2];
                SampleBuilder b = new SampleBuilder(g);
                for (int i = 0; i < shapes.length; i++) {
                    b.value(Domain.REAL, layouts[i % layouts.length], shapes[i]);
                }
                out.add(b.ints(dim).label("dim=" + dim).build());
            }
            return out;
        };
    }

    /** Uniform integers in [0, bound) as an index input. */
    static NdArray indices(Generator g, int bound, int... shape) {
        double[] v = new double[NdArray.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.nextInt(bound);
        }
        return new NdArray(shape, v);
    }

    /** gather: {x shape, layout, dim, index shape}. */
    static Function<Generator, List<Sample>> gather() {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Object[][] cases = {
                {new int[] {3, 4}, CONTIGUOUS, 1, new int[] {3, 2}},
                {new int[] {3, 4}, CONTIGUOUS, 0, new int[] {5, 4}},
                {new int[] {3, 4}, TRANSPOSED, 0, new int[] {2, 2}},
                {new int[] {2, 3, 4}, STRIDED, -1, new int[] {2, 3, 6}},
                {new int[] {2, 3, 4}, CONTIGUOUS, 1, new int[] {1, 2, 3}},
                {new int[] {5}, STRIDED, 0, new int[] {8}},
            };
            for (Object[] c : cases) {
                int[] xs = (int[]) c[0];
                int dim = (Integer) c[2];
                int bound = xs[NdArray.resolve(dim, xs.length)];
                out.add(new SampleBuilder(g).value(Domain.REAL, (Layout) c[1], xs)
                        .input(indices(g, bound, (int[]) c[3]), Role.INDEX, CONTIGUOUS).ints(dim)
                        .label("dim=" + dim).build());
            }
            return out;
        };
    }

    /** scatterAdd: {target shape, layout, dim, index shape}; src has the index's shape. */
    static Function<Generator, List<Sample>> scatterAdd() {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Object[][] cases = {
                {new int[] {3, 4}, CONTIGUOUS, 1, new int[] {3, 2}},
                {new int[] {4, 3}, CONTIGUOUS, 0, new int[] {6, 3}},
                {new int[] {3, 4}, TRANSPOSED, -1, new int[] {2, 5}},
                {new int[] {2, 3, 4}, STRIDED, 1, new int[] {2, 4, 3}},
                {new int[] {5}, CONTIGUOUS, 0, new int[] {8}},
            };
            for (Object[] c : cases) {
                int[] ts = (int[]) c[0];
                int dim = (Integer) c[2];
                int[] is = (int[]) c[3];
                int bound = ts[NdArray.resolve(dim, ts.length)];
                out.add(new SampleBuilder(g).value(Domain.REAL, (Layout) c[1], ts)
                        .input(indices(g, bound, is), Role.INDEX, CONTIGUOUS)
                        .value(Domain.REAL, (Layout) c[1], is).ints(dim).label("dim=" + dim).build());
            }
            return out;
        };
    }

    /** indexSelect: {x shape, layout, dim, index length}. */
    static Function<Generator, List<Sample>> indexSelect() {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Object[][] cases = {
                {new int[] {4, 3}, CONTIGUOUS, 0, 5},
                {new int[] {3, 4}, TRANSPOSED, 1, 2},
                {new int[] {2, 3, 4}, STRIDED, 1, 4},
                {new int[] {2, 3, 4}, CONTIGUOUS, -1, 0},
                {new int[] {5}, CONTIGUOUS, 0, 3},
            };
            for (Object[] c : cases) {
                int[] xs = (int[]) c[0];
                int dim = (Integer) c[2];
                int bound = xs[NdArray.resolve(dim, xs.length)];
                out.add(new SampleBuilder(g).value(Domain.REAL, (Layout) c[1], xs)
                        .input(indices(g, bound, (Integer) c[3]), Role.INDEX, CONTIGUOUS).ints(dim)
                        .label("dim=" + dim).build());
            }
            return out;
        };
    }

    /** where: a 0/1 condition (float, or int64 in one sample) and two broadcasting values. */
    static Function<Generator, List<Sample>> where() {
        return g -> {
            List<Sample> out = new ArrayList<>();
            Domain bit = gen -> gen.nextInt(2);
            Object[][] cases = {
                {new int[] {3, 4}, new int[] {3, 4}, new int[] {3, 4}, Role.MASK, CONTIGUOUS},
                {new int[] {3, 1}, new int[] {1, 4}, new int[] {}, Role.MASK, CONTIGUOUS},
                {new int[] {}, new int[] {2, 3}, new int[] {2, 3}, Role.MASK, CONTIGUOUS},
                {new int[] {2, 3, 4}, new int[] {3, 4}, new int[] {4}, Role.MASK, TRANSPOSED},
                {new int[] {5}, new int[] {5}, new int[] {5}, Role.INDEX, STRIDED},
                {new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3}, Role.MASK, STRIDED},
            };
            for (Object[] c : cases) {
                Layout layout = (Layout) c[4];
                out.add(new SampleBuilder(g).input(OpInfo.random(g, bit, (int[]) c[0]), (Role) c[3], CONTIGUOUS)
                        .value(Domain.REAL, layout, (int[]) c[1]).value(Domain.REAL, layout, (int[]) c[2]).build());
            }
            return out;
        };
    }
}
