package dev.kiln.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.ops.OpInfo.Input;
import dev.kiln.ops.OpInfo.Role;
import dev.kiln.ops.OpInfo.Sample;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Turns the op table into parameterized test cases, and compares results with tolerances. */
final class OpTestSupport {
    private OpTestSupport() {}

    /** The samples of one op; seeded by the op's name, so adding an op never changes another's samples. */
    static List<Sample> samples(OpInfo op) {
        return op.samples().apply(new Generator(op.name().hashCode()));
    }

    /** (display name, op, sample) for every op that passes {@code filter} and each of its samples. */
    static Stream<Arguments> cases(Predicate<OpInfo> filter, int maxSamplesPerOp) {
        List<Arguments> out = new ArrayList<>();
        for (OpInfo op : OpTable.all()) {
            if (!filter.test(op)) {
                continue;
            }
            List<Sample> samples = samples(op);
            for (int i = 0; i < Math.min(samples.size(), maxSamplesPerOp); i++) {
                out.add(Arguments.of(op.name() + "(" + samples.get(i) + ")", op, samples.get(i)));
            }
        }
        return out.stream();
    }

    /** The inputs of a sample as stored in {@code dtype} (index inputs stay int64). */
    static NdArray[] values(Sample s, DType dtype) {
        NdArray[] values = new NdArray[s.inputs().size()];
        for (int i = 0; i < values.length; i++) {
            Input in = s.inputs().get(i);
            values[i] = OpInfo.convert(in.value(), in.role(), OpInfo.storedDtype(in.role(), dtype));
        }
        return values;
    }

    /** Kiln tensors holding {@code values} in the sample's layouts; value inputs require grad if asked. */
    static Tensor[] tensors(Sample s, NdArray[] values, DType dtype, boolean requiresGrad) {
        Tensor[] out = new Tensor[values.length];
        for (int i = 0; i < out.length; i++) {
            Input in = s.inputs().get(i);
            out[i] = OpInfo.materialize(values[i], OpInfo.storedDtype(in.role(), dtype), in.layout());
            if (requiresGrad && in.role() == Role.VALUE) {
                out[i].requiresGrad(true);
            }
        }
        return out;
    }

    /** Asserts equal shapes and values within {@code atol + rtol * |expected|} (NaN matches NaN). */
    static void assertClose(NdArray expected, NdArray actual, double atol, double rtol, String what) {
        assertArrayEquals(expected.shape, actual.shape, () -> what + ": shape");
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.data[i];
            double a = actual.data[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                throw new AssertionError(what + ": element " + Arrays.toString(NdArray.unravel(i, expected.shape))
                        + " is " + a + ", expected " + e + " (atol " + atol + ", rtol " + rtol + ")\nexpected "
                        + expected + "\nactual   " + actual);
            }
        }
    }
}
