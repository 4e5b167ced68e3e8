package dev.kiln.nn;

import dev.kiln.tensor.Tensor;

/**
 * What a sequence layer returns from {@code forwardWithState} (PyTorch's {@code output, h_n} or
 * {@code output, (h_n, c_n)}).
 *
 * @param output every time step's top-layer hidden state, {@code [T, B, D * hidden]} ({@code [B, T, D * hidden]}
 *     batch-first, {@code [T, D * hidden]} unbatched), directions concatenated forward first
 * @param hN each layer and direction's final hidden state, {@code [num_layers * D, B, hidden]}, in the order
 *     layer 0 forward, layer 0 reverse, layer 1 forward, ...
 * @param cN the final cell states in the same layout, for LSTM; null for RNN and GRU
 */
public record RnnOutput(Tensor output, Tensor hN, Tensor cN) {}
