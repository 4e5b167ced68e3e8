package dev.kiln.examples.models;

import static dev.kiln.ops.Ops.relu;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.Module;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed assignment's residual MLP (needle's MLPResNet): Linear(dim, hidden), ReLU, then
 * {@code numBlocks} {@link ResidualBlock}s of bottleneck hidden / 2, then Linear(hidden, classes).
 * Input {@code [N, dim]} (images {@code [N, C, H, W]} are flattened to {@code dim = C·H·W}); output
 * {@code [N, classes]} logits. Keys {@code stem.*}, {@code blocks.<i>.residual.body.<j>.*} (BatchNorm
 * running statistics included) and {@code head.*}.
 */
public class MlpResNet extends Module {
    @Layer Linear stem;
    @Layer final List<ResidualBlock> blocks = new ArrayList<>();
    @Layer Linear head;

    /**
     * @param dim input features (784 for MNIST, 3072 for CIFAR-10)
     * @param hidden the width between blocks (needle's default: 100)
     * @param numBlocks residual blocks (needle's default: 3)
     * @param classes output classes
     * @param dropout the blocks' dropout probability (needle's default: 0.1)
     */
    public MlpResNet(int dim, int hidden, int numBlocks, int classes, double dropout, Generator generator) {
        if (hidden < 2) {
            throw new IllegalArgumentException("MlpResNet: hidden must be at least 2 (the blocks use hidden / 2), got "
                    + hidden);
        }
        stem = new Linear(dim, hidden, true, generator, DType.FLOAT32);
        for (int i = 0; i < numBlocks; i++) {
            blocks.add(new ResidualBlock(hidden, hidden / 2, dropout, generator));
        }
        head = new Linear(hidden, classes, true, generator, DType.FLOAT32);
    }

    /** {@code [N, dim]} (or {@code [N, C, H, W]}) to {@code [N, classes]}. */
    @Forward
    public Tensor forward(Tensor x) {
        Tensor h = relu(stem.forward(x.dim() == 2 ? x : x.flatten(1, -1)));
        for (ResidualBlock block : blocks) {
            h = block.forward(h);
        }
        return head.forward(h);
    }
}
