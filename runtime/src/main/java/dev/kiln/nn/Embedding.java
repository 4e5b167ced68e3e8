package dev.kiln.nn;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Param;
import dev.kiln.autograd.GradMode;
import dev.kiln.nn.functional.F;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;

/**
 * A lookup table of {@code num_embeddings} vectors of size {@code embedding_dim}: integer indices of
 * any shape {@code [*]} to {@code [*, embedding_dim]}. Parameter {@code weight [num_embeddings,
 * embedding_dim]}, standard normal as in PyTorch; the padding row, when given, starts at zero and
 * never receives a gradient.
 */
public class Embedding extends Module {
    @Param Tensor weight;
    // Package-private, not private: the generated Embedding_Compiled reads them.
    final int numEmbeddings;
    final int embeddingDim;
    final Integer paddingIdx;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, null, Generator.global(), DType.FLOAT32);
    }

    /** @param paddingIdx the row that stays zero and untrained (negative counts from the end), or null */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, Generator.global(), DType.FLOAT32);
    }

    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Generator generator, DType dtype) {
        this.numEmbeddings = LayerParams.positive("Embedding", "num_embeddings", numEmbeddings);
        this.embeddingDim = LayerParams.positive("Embedding", "embedding_dim", embeddingDim);
        if (paddingIdx != null && (paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)) {
            throw new IllegalArgumentException("Embedding: padding_idx " + paddingIdx + " must be within ["
                    + -numEmbeddings + ", " + (numEmbeddings - 1) + "]");
        }
        // Written as an if, not ?:, whose int arm would unbox a null paddingIdx.
        Integer resolved = paddingIdx;
        if (paddingIdx != null && paddingIdx < 0) {
            resolved = paddingIdx + numEmbeddings;
        }
        this.paddingIdx = resolved;
        this.weight = LayerParams.normal(generator, dtype, numEmbeddings, embeddingDim);
        if (this.paddingIdx != null) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                weight.select(0, this.paddingIdx).fill(0);
            }
        }
    }

    /** Integer indices {@code [*]} to vectors {@code [*, embedding_dim]}. */
    @Forward
    public Tensor forward(Tensor indices) {
        return paddingIdx == null ? F.embedding(indices, weight) : F.embedding(indices, weight, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == null ? "" : ", padding_idx=" + paddingIdx);
    }
}
