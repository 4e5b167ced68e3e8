package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.nn.GRU;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.OpInfo.Role;
import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.StorageArena;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, forward and backward, gives exactly the same numbers when the tensors it makes come from a
 * {@link StorageArena} whose recycled storages hold garbage (NaN), as they do in every
 * {@link dev.kiln.train.TrainingStep}: an op that leaves part of an {@link Tensor#empty} output unwritten,
 * or reads it before writing, fails here. The ops of the table, then the layers' ops, which have tests
 * of their own, on shapes that reach their fast paths.
 */
class OpRecycledStorageTest {
    private static final int[] ONE = {1, 1};
    private static final int[] TWO = {2, 2};

    static Stream<Arguments> tableCases() {
        return OpTestSupport.cases(op -> true, Integer.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tableCases")
    void tableOpsGiveTheSameResultsFromRecycledStorages(String name, OpInfo op, Sample s) {
        DType dtype = op.dtypes().contains(DType.FLOAT32) ? DType.FLOAT32 : op.dtypes().iterator().next();
        NdArray[] values = OpTestSupport.values(s, dtype);
        Tensor[] inputs = OpTestSupport.tensors(s, values, dtype, false);
        for (int i = 0; i < inputs.length; i++) {
            if (op.differentiable() && s.inputs().get(i).role() == Role.VALUE) {
                inputs[i].requiresGrad(true);
            }
        }
        assertRecyclingChangesNothing(name, in -> op.call().apply(in, s), inputs);
    }

    /** A layer op on seeded inputs; the inputs that require grad get gradients. */
    private record LayerCase(String name, Function<Tensor[], Tensor> op, Tensor... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LayerCase> layerCases() {
        Generator g = new Generator(11);
        LSTM lstm = new LSTM(3, 4, 1, true, true, 0, true, new Generator(1), DType.FLOAT32);
        GRU gru = new GRU(3, 4, 2, true, true, 0, false, new Generator(2), DType.FLOAT32);
        return Stream.of(
                new LayerCase("conv2d 3x3 same size", in -> Ops.conv2d(in[0], in[1], in[2], ONE, ONE, ONE, 1),
                        value(g, 2, 3, 6, 6), value(g, 4, 3, 3, 3), value(g, 4)),
                new LayerCase("conv2d stride 2, dilation 2, groups 2",
                        in -> Ops.conv2d(in[0], in[1], in[2], TWO, ONE, TWO, 2),
                        value(g, 2, 4, 7, 7), value(g, 4, 2, 3, 3), value(g, 4)),
                new LayerCase("conv2d 1x1 without bias", in -> Ops.conv2d(in[0], in[1], null, ONE, new int[2], ONE, 1),
                        value(g, 2, 3, 5, 5), value(g, 4, 3, 1, 1)),
                new LayerCase("conv2dRelu", in -> Ops.conv2dRelu(in[0], in[1], in[2], ONE, ONE, ONE, 1),
                        value(g, 2, 3, 6, 6), value(g, 4, 3, 3, 3), value(g, 4)),
                new LayerCase("conv2dReluMaxPool2d 3/2/1 (halving)",
                        in -> Ops.conv2dReluMaxPool2d(in[0], in[1], in[2], ONE, ONE, ONE, 1, new int[] {3, 3}, TWO, ONE,
                                ONE, false),
                        value(g, 2, 3, 8, 8), value(g, 4, 3, 3, 3), value(g, 4)),
                new LayerCase("maxPool2d 3/2/1 (halving)", in -> F.maxPool2d(in[0], 3, 2, 1), value(g, 2, 3, 8, 8)),
                new LayerCase("maxPool2d 2", in -> F.maxPool2d(in[0], 2), value(g, 2, 3, 7, 7)),
                new LayerCase("avgPool2d 3/2/1", in -> F.avgPool2d(in[0], 3, 2, 1), value(g, 2, 3, 7, 7)),
                new LayerCase("adaptiveAvgPool2d", in -> F.adaptiveAvgPool2d(in[0], 3), value(g, 2, 3, 7, 5)),
                new LayerCase("linear", in -> F.linear(in[0], in[1], in[2]), value(g, 5, 7), value(g, 3, 7), value(g, 3)),
                new LayerCase("linearRelu", in -> Ops.linearRelu(in[0], in[1], in[2]), value(g, 5, 7), value(g, 3, 7),
                        value(g, 3)),
                new LayerCase("crossEntropy", in -> F.crossEntropy(in[0], in[1]), value(g, 6, 5),
                        Tensor.randint(g, 0, 5, 6)),
                new LayerCase("nllLoss with weights and an ignored class",
                        in -> F.nllLoss(in[0], in[1], in[2], 2, Reduction.MEAN), value(g, 6, 5),
                        Tensor.randint(g, 0, 5, 6), Tensor.rand(g, 5)),
                new LayerCase("mseLoss", in -> F.mseLoss(in[0], in[1]), value(g, 4, 3), Tensor.randn(g, 4, 3)),
                new LayerCase("smoothL1Loss", in -> F.smoothL1Loss(in[0], in[1]), value(g, 4, 3), Tensor.randn(g, 4, 3)),
                new LayerCase("binaryCrossEntropy", in -> F.binaryCrossEntropy(in[0].sigmoid(), in[1]), value(g, 4, 3),
                        Tensor.rand(g, 4, 3)),
                new LayerCase("binaryCrossEntropyWithLogits and posWeight",
                        in -> F.binaryCrossEntropyWithLogits(in[0], in[1], null, in[2], Reduction.SUM), value(g, 4, 3),
                        Tensor.rand(g, 4, 3), Tensor.rand(g, 3)),
                new LayerCase("batchNorm, training",
                        in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5), value(g, 4, 3, 2, 2),
                        value(g, 3), value(g, 3)),
                new LayerCase("layerNorm", in -> F.layerNorm(in[0], new int[] {4}, in[1], in[2], 1e-5), value(g, 3, 4),
                        value(g, 4), value(g, 4)),
                new LayerCase("embedding with a padding index", in -> F.embedding(in[0], in[1], 1),
                        Tensor.randint(g, 0, 6, 3, 4), value(g, 6, 5)),
                new LayerCase("dropout", in -> F.dropout(in[0], 0.5, true, new Generator(5)), value(g, 4, 6)),
                new LayerCase("leakyRelu", in -> F.leakyRelu(in[0], 0.1), value(g, 4, 6)),
                new LayerCase("bidirectional LSTM", in -> lstm.forward(in[0]), value(g, 2, 5, 3)),
                new LayerCase("two-layer GRU", in -> gru.forward(in[0]), value(g, 2, 5, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerCases")
    void layerOpsGiveTheSameResultsFromRecycledStorages(LayerCase c) {
        assertRecyclingChangesNothing(c.name(), c.op(), c.inputs());
    }

    private static Tensor value(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    /**
     * Runs {@code op} on its own, then twice under an arena, poisoning the arena between the two, and
     * asserts that the second run's output and gradients are the first's, bit for bit.
     */
    static void assertRecyclingChangesNothing(String name, Function<Tensor[], Tensor> op, Tensor[] inputs) {
        List<NdArray> fresh = run(op, inputs);
        StorageArena arena = new StorageArena();
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            run(op, inputs);
        }
        arena.poison();
        arena.startRun();
        List<NdArray> recycled;
        try (StorageArena.Scope ignored = arena.activate()) {
            recycled = run(op, inputs);
        }
        assertTrue(arena.reusedCount() > 0, name + ": the second run should reuse the first run's storages");
        for (int i = 0; i < fresh.size(); i++) {
            OpTestSupport.assertClose(fresh.get(i), recycled.get(i), 0, 0,
                    name + (i == 0 ? ": output" : ": gradient " + (i - 1)) + " from recycled storages");
        }
    }

    /** The op's output and the gradients of the inputs that require one, read out as arrays. */
    private static List<NdArray> run(Function<Tensor[], Tensor> op, Tensor[] inputs) {
        Tensor y = op.apply(inputs);
        List<NdArray> results = new ArrayList<>();
        results.add(OpInfo.read(y));
        List<Tensor> wrt = new ArrayList<>();
        for (Tensor input : inputs) {
            if (input.requiresGrad()) {
                wrt.add(input);
            }
        }
        if (y.requiresGrad() && !wrt.isEmpty()) {
            // The same upstream gradient every run; made here, so that it too comes from the arena.
            Tensor g = Tensor.randn(new Generator(7), y.dtype(), y.shape());
            for (Tensor grad : Autograd.grad(y, wrt.toArray(new Tensor[0]), g, false)) {
                results.add(OpInfo.read(grad));
            }
        }
        return results;
    }
}
