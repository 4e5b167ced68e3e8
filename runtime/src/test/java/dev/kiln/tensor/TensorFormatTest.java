package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** toString prints what PyTorch prints for the same values (with Kiln's dtype and grad names). */
class TensorFormatTest {

    @Test
    void fractionalValuesUseFourDecimals() {
        assertEquals("tensor([1.0000, 2.5000])", Tensor.of(new float[] {1, 2.5f}, 2).toString());
    }

    @Test
    void integralFloatsPrintWithATrailingPoint() {
        assertEquals("tensor([1., 2., 3.])", Tensor.of(new float[] {1, 2, 3}, 3).toString());
        assertEquals("tensor([0., 0., 0.])", Tensor.zeros(3).toString());
    }

    @Test
    void zeroDimensional() {
        assertEquals("tensor(1.5000)", Tensor.scalar(1.5).toString());
        assertEquals("tensor(3.)", Tensor.scalar(3).toString());
        assertEquals("tensor(3)", Tensor.scalar(DType.INT64, 3).toString());
    }

    @Test
    void integerTensorsShowTheirDtypeUnlessInt64() {
        assertEquals("tensor([0, 1, 2, 3, 4])", Tensor.arange(5).toString());
        assertEquals("tensor([  1, -20,   3], dtype=int32)", Tensor.of(new int[] {1, -20, 3}, 3).toString());
        assertEquals("tensor([9007199254740993,                1])",
                Tensor.of(new long[] {(1L << 53) + 1, 1}, 2).toString(), "int64 prints exactly");
    }

    @Test
    void float64ShowsItsDtype() {
        assertEquals("tensor([ 0.5000, -1.2500], dtype=float64)", Tensor.of(new double[] {0.5, -1.25}, 2).toString());
    }

    @Test
    void matricesAlignTheirColumns() {
        assertEquals("tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])",
                Tensor.of(new float[][] {{1, 2.5f}, {-3, 4}}).toString());
    }

    @Test
    void threeDimensionsSeparateMatricesWithABlankLine() {
        assertEquals("tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n        [[ 6.,  7.,  8.],\n"
                + "         [ 9., 10., 11.]]])", Tensor.arange(DType.FLOAT32, 0, 12, 1).reshape(2, 2, 3).toString());
    }

    @Test
    void farApartMagnitudesUseScientificNotation() {
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(new float[] {1e-5f, 1}, 2).toString());
        assertEquals("tensor([1.0000e+00, 2.0000e+03])", Tensor.of(new float[] {1, 2000}, 2).toString());
    }

    @Test
    void nonFiniteValues() {
        assertEquals("tensor([1., nan, inf, -inf])",
                Tensor.of(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, 4).toString());
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
                + "        28., 29.])", Tensor.arange(DType.FLOAT32, 0, 30, 1).toString());
    }

    @Test
    void largeTensorsAreSummarized() {
        assertEquals("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])",
                Tensor.arange(DType.FLOAT32, 0, 1001, 1).toString());
        String matrix = Tensor.arange(DType.FLOAT32, 0, 1200, 1).reshape(40, 30).mul(0.5).add(100).toString();
        assertEquals("tensor([[100.0000, 100.5000, 101.0000,  ..., 113.5000, 114.0000, 114.5000],\n"
                + "        [115.0000, 115.5000, 116.0000,  ..., 128.5000, 129.0000, 129.5000],\n"
                + "        [130.0000, 130.5000, 131.0000,  ..., 143.5000, 144.0000, 144.5000],\n"
                + "        ...,\n"
                + "        [655.0000, 655.5000, 656.0000,  ..., 668.5000, 669.0000, 669.5000],\n"
                + "        [670.0000, 670.5000, 671.0000,  ..., 683.5000, 684.0000, 684.5000],\n"
                + "        [685.0000, 685.5000, 686.0000,  ..., 698.5000, 699.0000, 699.5000]])", matrix);
        // Magnitudes more than 1000 apart switch the whole tensor to scientific notation, as in PyTorch.
        assertEquals("tensor([0.0000e+00, 5.0000e-01, 1.0000e+00,  ..., 5.9850e+02, 5.9900e+02,\n"
                + "        5.9950e+02])",
                Tensor.arange(DType.FLOAT32, 0, 1200, 1).mul(0.5).toString());
    }

    @Test
    void emptyTensorsShowTheirSize() {
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([], size=(2, 0))", Tensor.zeros(2, 0).toString());
        assertEquals("tensor([], dtype=int64)", Tensor.zeros(DType.INT64, 0).toString());
    }

    @Test
    void gradInformationIsAppended() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertEquals("tensor([1., 1.], requiresGrad=true)", x.toString());
        assertEquals("tensor([2., 2.], gradFn=<mulBackward>)", x.mul(2).toString());
    }

    @Test
    void nonContiguousViewsPrintTheirLogicalOrder() {
        Tensor t = Tensor.arange(DType.FLOAT32, 0, 6, 1).reshape(2, 3).t();
        assertEquals("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])", t.toString());
    }
}
