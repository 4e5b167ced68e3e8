package dev.kiln.nn.layers;

import static dev.kiln.nn.layers.LinearConvLayersTest.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.GradCheck;
import dev.kiln.nn.GRU;
import dev.kiln.nn.GRUCell;
import dev.kiln.nn.LSTM;
import dev.kiln.nn.LSTMCell;
import dev.kiln.nn.RNN;
import dev.kiln.nn.RNNCell;
import dev.kiln.nn.RnnOutput;
import dev.kiln.ops.Ops;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.ShapeException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecurrentLayersTest {

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static Tensor column(double... v) {
        return Tensor.of(v, v.length, 1);
    }

    private static Map<String, Tensor> cellWeights(Tensor wih, Tensor whh, Tensor bih, Tensor bhh) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight_ih", wih);
        m.put("weight_hh", whh);
        m.put("bias_ih", bih);
        m.put("bias_hh", bhh);
        return m;
    }

    @Test
    void sequenceLayersHavePyTorchsKeysInPyTorchsOrder() {
        // nn.LSTM(3, 4, num_layers=2, bidirectional=True).state_dict().keys()
        List<String> expected = List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse");
        LSTM lstm = new LSTM(3, 4, 2, true, false, 0, true);
        assertEquals(expected, keys(lstm));
        assertArrayEquals(new int[] {16, 3}, lstm.weightIh(0, false).shape());
        assertArrayEquals(new int[] {16, 4}, lstm.weightHh(0, true).shape());
        assertArrayEquals(new int[] {16, 8}, lstm.weightIh(1, true).shape());
        assertArrayEquals(new int[] {16}, lstm.biasHh(1, false).shape());
        // nn.GRU(5, 6, bias=False) and nn.RNN(5, 6, num_layers=3)
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0"), keys(new GRU(5, 6, 1, false, false, 0, false)));
        assertArrayEquals(new int[] {18, 5}, new GRU(5, 6).weightIh(0, false).shape());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1",
                "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l2", "weight_hh_l2", "bias_ih_l2", "bias_hh_l2"),
                keys(new RNN(5, 6, 3, "tanh", true, false, 0, false)));
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"), keys(new LSTMCell(3, 4)));
        assertEquals("LSTM(3, 4, num_layers=2, bidirectional=True)", lstm.toString());
    }

    @Test
    void initializationIsUniformInOneOverSqrtHidden() {
        LSTM lstm = new LSTM(3, 16);
        for (Tensor p : lstm.parameters()) {
            for (double v : p.toDoubleArray()) {
                assertTrue(Math.abs(v) <= 0.25, "value " + v);
            }
        }
    }

    @Test
    void lstmCellUsesTheGateOrderInputForgetCellOutput() {
        LSTMCell cell = new LSTMCell(1, 1, true, new Generator(1), DType.FLOAT64);
        cell.loadStateDict(cellWeights(column(0.5, -0.5, 1, 2), column(0.1, 0.2, 0.3, 0.4),
                Tensor.zeros(DType.FLOAT64, 4), Tensor.of(new double[] {0, 1, 0, 0}, 4)));
        LSTMCell.State next = cell.forward(Tensor.of(new double[] {2}, 1, 1), Tensor.of(new double[] {1}, 1, 1),
                Tensor.of(new double[] {0.5}, 1, 1));
        double i = sigmoid(1.1);
        double f = sigmoid(0.2);
        double g = Math.tanh(2.3);
        double o = sigmoid(4.4);
        double c = f * 0.5 + i * g;
        assertEquals(c, next.c().item(), 1e-12);
        assertEquals(o * Math.tanh(c), next.h().item(), 1e-12);
    }

    @Test
    void gruCellUsesTheGateOrderResetUpdateNew() {
        GRUCell cell = new GRUCell(1, 1, true, new Generator(1), DType.FLOAT64);
        cell.loadStateDict(cellWeights(column(1, -1, 0.5), column(0.5, 0.25, 2), Tensor.of(new double[] {0, 0, 0.1}, 3),
                Tensor.of(new double[] {0, 0, -0.2}, 3)));
        Tensor h = cell.forward(Tensor.of(new double[] {1}, 1, 1), Tensor.of(new double[] {0.5}, 1, 1));
        double r = sigmoid(1.25);
        double z = sigmoid(-0.875);
        double n = Math.tanh(0.6 + r * 0.8);
        assertEquals((1 - z) * n + z * 0.5, h.item(), 1e-12);
    }

    @Test
    void rnnCellAppliesTanhOrRelu() {
        RNNCell tanh = new RNNCell(2, 1, true, "tanh", new Generator(1), DType.FLOAT64);
        Map<String, Tensor> w = cellWeights(Tensor.of(new double[][] {{1, -2}}), column(0.5), Tensor.of(new double[] {
            0.25}, 1), Tensor.of(new double[] {-1}, 1));
        tanh.loadStateDict(w);
        Tensor x = Tensor.of(new double[][] {{1, 1}});
        assertEquals(Math.tanh(1 - 2 + 0.5 * 2 + 0.25 - 1), tanh.forward(x, Tensor.of(new double[] {2}, 1, 1)).item(),
                1e-12);
        RNNCell relu = new RNNCell(2, 1, true, "relu", new Generator(1), DType.FLOAT64);
        relu.loadStateDict(w);
        assertEquals(0, relu.forward(x).item(), 0);
        assertArrayEquals(new int[] {1}, relu.forward(Tensor.of(new double[] {1, 1}, 2)).shape());
        assertThrows(IllegalArgumentException.class, () -> new RNNCell(2, 1, true, "sigmoid", new Generator(1),
                DType.FLOAT32));
    }

    /** Runs cells by hand: every layer, both directions, with the sequence layer's own weights. */
    private static RnnOutput manualLstm(LSTM lstm, Tensor x, int layers, int hidden) {
        int steps = x.size(0);
        int batch = x.size(1);
        Tensor input = x;
        List<Tensor> hN = new ArrayList<>();
        List<Tensor> cN = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            List<Tensor> directions = new ArrayList<>();
            for (boolean reverse : new boolean[] {false, true}) {
                LSTMCell cell = new LSTMCell(input.size(2), hidden, true, new Generator(0), DType.FLOAT64);
                cell.loadStateDict(cellWeights(lstm.weightIh(layer, reverse), lstm.weightHh(layer, reverse),
                        lstm.biasIh(layer, reverse), lstm.biasHh(layer, reverse)));
                Tensor h = Tensor.zeros(DType.FLOAT64, batch, hidden);
                Tensor c = Tensor.zeros(DType.FLOAT64, batch, hidden);
                Tensor[] out = new Tensor[steps];
                for (int s = 0; s < steps; s++) {
                    int t = reverse ? steps - 1 - s : s;
                    LSTMCell.State st = cell.forward(input.select(0, t), h, c);
                    h = st.h();
                    c = st.c();
                    out[t] = h;
                }
                directions.add(Ops.stack(List.of(out), 0));
                hN.add(h);
                cN.add(c);
            }
            input = Ops.concat(directions, 2);
        }
        return new RnnOutput(input, Ops.stack(hN, 0), Ops.stack(cN, 0));
    }

    @Test
    void bidirectionalMultiLayerLstmEqualsItsCellsRunByHand() {
        LSTM lstm = new LSTM(3, 4, 2, true, true, 0, true, new Generator(2), DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(3), DType.FLOAT64, 2, 5, 3); // [B, T, I], batch-first
        RnnOutput out = lstm.forwardWithState(x, null, null);
        assertArrayEquals(new int[] {2, 5, 8}, out.output().shape());
        assertArrayEquals(new int[] {4, 2, 4}, out.hN().shape());
        assertArrayEquals(new int[] {4, 2, 4}, out.cN().shape());
        RnnOutput manual = manualLstm(lstm, x.transpose(0, 1), 2, 4);
        assertArrayEquals(manual.output().transpose(0, 1).toDoubleArray(), out.output().toDoubleArray(), 1e-12);
        assertArrayEquals(manual.hN().toDoubleArray(), out.hN().toDoubleArray(), 1e-12);
        assertArrayEquals(manual.cN().toDoubleArray(), out.cN().toDoubleArray(), 1e-12);
        // The reverse direction's final state is its output at t = 0; the forward one's at t = T - 1.
        assertArrayEquals(out.output().select(1, 0).slice(1, 4, 8).toDoubleArray(),
                out.hN().select(0, 3).toDoubleArray(), 1e-12);
        assertArrayEquals(out.output().select(1, 4).slice(1, 0, 4).toDoubleArray(),
                out.hN().select(0, 2).toDoubleArray(), 1e-12);
    }

    @Test
    void initialStatesAreUsedAndUnbatchedInputsWork() {
        GRU gru = new GRU(2, 3, 1, true, false, 0, false, new Generator(4), DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(5), DType.FLOAT64, 4, 1, 2);
        Tensor h0 = Tensor.randn(new Generator(6), DType.FLOAT64, 1, 1, 3);
        RnnOutput withState = gru.forwardWithState(x, h0);
        GRUCell cell = new GRUCell(2, 3, true, new Generator(0), DType.FLOAT64);
        cell.loadStateDict(cellWeights(gru.weightIh(0, false), gru.weightHh(0, false), gru.biasIh(0, false),
                gru.biasHh(0, false)));
        Tensor h = h0.select(0, 0);
        for (int t = 0; t < 4; t++) {
            h = cell.forward(x.select(0, t), h);
        }
        assertArrayEquals(h.toDoubleArray(), withState.hN().toDoubleArray(), 1e-12);
        assertNull(withState.cN());
        RnnOutput unbatched = gru.forwardWithState(x.select(1, 0), h0.select(1, 0));
        assertArrayEquals(new int[] {4, 3}, unbatched.output().shape());
        assertArrayEquals(new int[] {1, 3}, unbatched.hN().shape());
        assertArrayEquals(withState.output().select(1, 0).toDoubleArray(), unbatched.output().toDoubleArray(), 1e-12);
        assertArrayEquals(new int[] {4, 1, 3}, gru.forward(x).shape());
    }

    @Test
    void gradientsThroughTheSequenceLayersMatchCentralDifferences() {
        LSTM lstm = new LSTM(2, 2, 2, true, false, 0, true, new Generator(7), DType.FLOAT64);
        Tensor x = Tensor.randn(new Generator(8), DType.FLOAT64, 3, 2, 2).requiresGrad(true);
        Tensor h0 = Tensor.randn(new Generator(9), DType.FLOAT64, 4, 2, 2).requiresGrad(true);
        Tensor c0 = Tensor.randn(new Generator(10), DType.FLOAT64, 4, 2, 2).requiresGrad(true);
        GradCheck.check(in -> {
            RnnOutput o = lstm.forwardWithState(in[0], in[1], in[2]);
            return Ops.concat(List.of(o.output().reshape(-1), o.hN().reshape(-1), o.cN().reshape(-1)), 0);
        }, x, h0, c0, lstm.weightIh(1, true), lstm.weightHh(0, false), lstm.biasHh(0, true));
        GRU gru = new GRU(2, 3, 1, true, true, 0, true, new Generator(11), DType.FLOAT64);
        Tensor xb = Tensor.randn(new Generator(12), DType.FLOAT64, 2, 3, 2).requiresGrad(true);
        GradCheck.check(in -> gru.forward(in[0]), xb, gru.weightIh(0, true), gru.weightHh(0, false),
                gru.biasIh(0, false));
        RNN rnn = new RNN(2, 2, 2, "tanh", true, false, 0, false, new Generator(13), DType.FLOAT64);
        GradCheck.check(in -> rnn.forward(in[0]), x, rnn.weightIh(1, false), rnn.weightHh(0, false));
    }

    @Test
    void dropoutBetweenLayersOnlyInTraining() {
        LSTM lstm = new LSTM(2, 3, 2, true, false, 0.5, false, new Generator(14), DType.FLOAT32);
        Tensor x = Tensor.randn(new Generator(15), 4, 2, 2);
        lstm.eval();
        float[] a = lstm.forward(x).toFloatArray();
        assertArrayEquals(a, lstm.forward(x).toFloatArray());
        lstm.train();
        float[] b = lstm.forward(x).toFloatArray();
        assertTrue(!java.util.Arrays.equals(a, b), "training applies dropout between the layers");
    }

    @Test
    void sequenceLayersReportBadShapesAndSettings() {
        LSTM lstm = new LSTM(3, 4, 1, true, true, 0, false);
        ShapeException input = assertThrows(ShapeException.class, () -> lstm.forward(Tensor.zeros(2, 5, 4)));
        assertEquals("LSTM: input of shape [2, 5, 4] must be [B, T, 3] or unbatched [T, 3]", input.getMessage());
        ShapeException state = assertThrows(ShapeException.class,
                () -> lstm.forwardWithState(Tensor.zeros(2, 5, 3), Tensor.zeros(1, 3, 4), null));
        assertEquals("LSTM: h0 of shape [1, 3, 4] must be [1, 2, 4]", state.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LSTM(3, 4, 5, true, false, 0, false));
        assertThrows(IllegalArgumentException.class, () -> lstm.weightIh(0, true));
    }
}
