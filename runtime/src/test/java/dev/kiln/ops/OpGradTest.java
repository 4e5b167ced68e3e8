package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradCheck;
import dev.kiln.ops.OpInfo.Role;
import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The backward of every differentiable op of the table against float64 finite differences, and in float32. */
class OpGradTest {
    /**
     * Tighter than gradcheck's defaults (atol 1e-5, rtol 1e-3): in float64 with eps 1e-6 the
     * finite-difference error is about 1e-10 here, and a 0.1% error in a backward must not pass.
     */
    static final GradCheck.Options TIGHT = GradCheck.Options.defaults().withAtol(1e-7).withRtol(1e-6);

    static Stream<Arguments> cases() {
        return OpTestSupport.cases(OpInfo::differentiable, Integer.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(String name, OpInfo op, Sample s) {
        NdArray[] values = OpTestSupport.values(s, DType.FLOAT64);
        Tensor[] inputs = OpTestSupport.tensors(s, values, DType.FLOAT64, true);
        GradCheck.check(TIGHT, in -> op.call().apply(in, s), inputs);
    }

    /** Backward in float32 gives float32 gradients equal (to float32 precision) to the float64 ones. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32BackwardMatchesFloat64(String name, OpInfo op, Sample s) {
        NdArray[] values = OpTestSupport.values(s, DType.FLOAT32);
        Tensor[] in64 = OpTestSupport.tensors(s, values, DType.FLOAT64, true);
        Tensor[] in32 = OpTestSupport.tensors(s, values, DType.FLOAT32, true);
        Tensor y64 = op.call().apply(in64, s);
        Tensor y32 = op.call().apply(in32, s);
        DType outDtype = op.outDtype().of(DType.FLOAT32, s);
        assertEquals(outDtype, y32.dtype(), name + ": output dtype");
        Tensor g64 = Tensor.randn(new Generator(7), DType.FLOAT64, y64.shape());
        List<Tensor> wrt64 = new ArrayList<>();
        List<Tensor> wrt32 = new ArrayList<>();
        for (int i = 0; i < in64.length; i++) {
            if (s.inputs().get(i).role() == Role.VALUE) {
                wrt64.add(in64[i]);
                wrt32.add(in32[i]);
            }
        }
        Tensor[] grads64 = Autograd.grad(y64, wrt64.toArray(new Tensor[0]), g64, false);
        Tensor[] grads32 = Autograd.grad(y32, wrt32.toArray(new Tensor[0]), g64.to(outDtype), false);
        for (int i = 0; i < grads64.length; i++) {
            assertEquals(DType.FLOAT32, grads32[i].dtype(), name + ": gradient " + i + " dtype");
            OpTestSupport.assertClose(OpInfo.read(grads64[i]), OpInfo.read(grads32[i]), 1e-4, 1e-4,
                    name + ": float32 gradient " + i);
        }
    }
}
