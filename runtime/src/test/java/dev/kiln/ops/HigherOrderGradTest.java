package dev.kiln.ops;

import dev.kiln.autograd.GradCheck;
import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second derivatives: the gradient each op's backward computes (with createGraph) is itself
 * differentiated and checked against finite differences of the first gradient. This holds only
 * if every backward is written in differentiable ops.
 */
class HigherOrderGradTest {

    static Stream<Arguments> cases() {
        return OpTestSupport.cases(OpInfo::differentiable, 6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void secondDerivativeMatchesFiniteDifferences(String name, OpInfo op, Sample s) {
        NdArray[] values = OpTestSupport.values(s, DType.FLOAT64);
        Tensor[] inputs = OpTestSupport.tensors(s, values, DType.FLOAT64, true);
        GradCheck.checkSecondOrder(OpGradTest.TIGHT, in -> op.call().apply(in, s), inputs);
    }
}
