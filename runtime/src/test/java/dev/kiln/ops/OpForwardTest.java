package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op of the table, on every sample and dtype, against its plain-loop reference. */
class OpForwardTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (OpInfo op : OpTable.all()) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
                if (!op.dtypes().contains(dtype)) {
                    continue;
                }
                for (Sample s : OpTestSupport.samples(op)) {
                    out.add(Arguments.of(op.name() + " " + dtype + " (" + s + ")", op, s, dtype));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesReference(String name, OpInfo op, Sample s, DType dtype) {
        NdArray[] values = OpTestSupport.values(s, dtype);
        Tensor[] inputs = OpTestSupport.tensors(s, values, dtype, false);
        NdArray[] before = new NdArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            before[i] = OpInfo.read(inputs[i]);
        }

        Tensor out = op.call().apply(inputs, s);

        NdArray expected = op.reference().apply(values, s);
        DType outDtype = op.outDtype().of(dtype, s);
        assertEquals(outDtype, out.dtype(), name + ": dtype");
        assertFalse(out.requiresGrad(), name + ": no input requires grad, so neither may the output");
        double tol = switch (outDtype) {
            case FLOAT64 -> 1e-10;
            case FLOAT32 -> op.f32Tolerance();
            default -> 0;
        };
        OpTestSupport.assertClose(expected, OpInfo.read(out), tol, tol, name);
        for (int i = 0; i < inputs.length; i++) {
            OpTestSupport.assertClose(before[i], OpInfo.read(inputs[i]), 0, 0, name + ": input " + i + " was modified");
        }
    }
}
