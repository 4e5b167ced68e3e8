package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.annotations.Forward;
import dev.kiln.annotations.Layer;
import dev.kiln.autograd.AnomalyMode;
import dev.kiln.compiled.Compiled;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.Linear;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Module;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Sequential;
import dev.kiln.nn.functional.F;
import dev.kiln.ops.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.DType;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training step through a model's generated code against the eager step, the recycling of its
 * tensors, and the memory a warm step allocates (measured with {@link com.sun.management.ThreadMXBean}).
 */
class TrainingStepTest {
    /** What a warm step may allocate: small objects (headers, shape arrays, frames, tape nodes), no tensor data. */
    private static final long WARM_STEP_BYTES = 48 * 1024;

    private static final int FEATURES = 256;
    private static final int CLASSES = 10;
    private static final int BATCH = 64;

    /** An MLP whose body compiles, the seed MLP's shape at a quarter of its size. */
    public static class SmallMlp extends Module {
        @Layer Linear fc1;
        @Layer Linear fc2;
        @Layer Linear fc3;

        public SmallMlp(Generator g) {
            fc1 = new Linear(FEATURES, 128, true, g, DType.FLOAT32);
            fc2 = new Linear(128, 64, true, g, DType.FLOAT32);
            fc3 = new Linear(64, CLASSES, true, g, DType.FLOAT32);
        }

        @Forward
        public Tensor forward(Tensor x) {
            Tensor h = Ops.relu(fc1.forward(x));
            h = Ops.relu(fc2.forward(h));
            return fc3.forward(h);
        }
    }

    /** The same layers behind a body that reads a tensor's value: it does not compile, so the step is eager. */
    public static class DynamicMlp extends SmallMlp {
        public DynamicMlp(Generator g) {
            super(g);
        }

        @Override
        @Forward
        public Tensor forward(Tensor x) {
            Tensor h = super.forward(x);
            if (h.abs().max().item() > 1e6) {
                h = h.div(2);
            }
            return h;
        }
    }

    private static Tensor[] batch(Generator g) {
        return new Tensor[] {Tensor.randn(g, BATCH, FEATURES), Tensor.randint(g, 0, CLASSES, BATCH)};
    }

    private static Optimizer adam(Module model) {
        return new Adam(model.parameters(), Adam.options().lr(1e-2));
    }

    /** Trains {@code steps} steps on one batch (from seed 7), which the model learns by heart, and returns the losses. */
    private static double[] train(Module model, TrainingStep step, int steps) {
        Tensor[] xy = batch(new Generator(7));
        double[] losses = new double[steps];
        for (int i = 0; i < steps; i++) {
            losses[i] = step.forward(xy[0], xy[1]);
            step.backwardAndUpdate();
        }
        return losses;
    }

    @Test
    void compiledStepTrainsLikeTheEagerStep() {
        SmallMlp compiledModel = new SmallMlp(new Generator(1));
        SmallMlp eagerModel = new SmallMlp(new Generator(1));
        assertNotNull(compiledModel.compiledForward(), "SmallMlp's body should compile");
        TrainingStep compiled = TrainingStep.of(compiledModel, F::crossEntropy, adam(compiledModel));
        TrainingStep eager = TrainingStep.of(eagerModel, F::crossEntropy, adam(eagerModel));
        assertTrue(compiled.isCompiled());

        double[] compiledLosses = train(compiledModel, compiled, 12);
        boolean was = Compiled.isEnabled();
        Compiled.setEnabled(false);
        double[] eagerLosses;
        try {
            assertFalse(eager.isCompiled());
            eagerLosses = train(eagerModel, eager, 12);
        } finally {
            Compiled.setEnabled(was);
        }
        assertArrayEquals(eagerLosses, compiledLosses, 1e-6);
        assertTrue(compiledLosses[11] < compiledLosses[0], "the loss should fall");
        List<Tensor> a = compiledModel.parameters();
        List<Tensor> b = eagerModel.parameters();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(b.get(i).toFloatArray(), a.get(i).toFloatArray(), 1e-6f, "parameter " + i);
        }
    }

    @Test
    void aWarmStepRecyclesEveryTensorAndAllocatesAlmostNothing() {
        SmallMlp model = new SmallMlp(new Generator(2));
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        Tensor[] xy = batch(new Generator(3));
        Runnable oneStep = () -> {
            step.forward(xy[0], xy[1]);
            step.backwardAndUpdate();
        };
        long compiledBytes = warmBytesPerStep(step, oneStep);

        // The same step on the eager tape recycles too; then the same computation as a plain loop, for scale:
        // there every tensor of every step is new memory.
        boolean was = Compiled.isEnabled();
        Compiled.setEnabled(false);
        long eagerBytes;
        long plainBytes;
        try {
            eagerBytes = warmBytesPerStep(step, oneStep);
            Optimizer optimizer = adam(model);
            plainBytes = fewestBytesPerStep(Long.MAX_VALUE, () -> {
                optimizer.zeroGrad();
                F.crossEntropy(model.apply(xy[0]), xy[1]).backward();
                optimizer.step();
            });
        } finally {
            Compiled.setEnabled(was);
        }
        // What is left is small objects (tensor headers, shape arrays, frames, tape nodes): no tensor data,
        // whose gradients alone are 4 * 41,802 = 167 KB per step here.
        String figures = "compiled " + compiledBytes + " bytes per step, eager " + eagerBytes + ", plain loop "
                + plainBytes;
        assertTrue(compiledBytes < WARM_STEP_BYTES, figures);
        assertTrue(eagerBytes < WARM_STEP_BYTES, figures);
        assertTrue(compiledBytes * 10 < plainBytes && eagerBytes * 5 < plainBytes, figures);
    }

    @Test
    void aWarmStepOfAPoolingCnnAllocatesNoTensorDataEitherWay() {
        // Max pooling keeps where each maximum was for its backward: 64 KB of positions per step here (few,
        // large images, so that they outweigh the small objects each sample's products make), which come
        // from the arena like the tensors.
        Generator g = new Generator(32);
        Module model = new Sequential(new Conv2d(1, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 1, true, g, DType.FLOAT32), new ReLU(), new MaxPool2d(3, 2, 1), new Flatten(),
                new Linear(4 * 32 * 32, CLASSES, true, g, DType.FLOAT32));
        Tensor x = Tensor.randn(new Generator(30), 4, 1, 64, 64);
        Tensor y = Tensor.randint(new Generator(31), 0, CLASSES, 4);
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        Runnable oneStep = () -> {
            step.forward(x, y);
            step.backwardAndUpdate();
        };
        long compiledBytes = warmBytesPerStep(step, oneStep);
        boolean was = Compiled.isEnabled();
        Compiled.setEnabled(false);
        long eagerBytes;
        try {
            eagerBytes = warmBytesPerStep(step, oneStep);
        } finally {
            Compiled.setEnabled(was);
        }
        String figures = "compiled " + compiledBytes + " bytes per step, eager " + eagerBytes;
        assertTrue(compiledBytes < WARM_STEP_BYTES && eagerBytes < WARM_STEP_BYTES, figures);
    }

    /** Warms the step up, then measures it, asserting that it makes no new tensor storage once warm. */
    private static long warmBytesPerStep(TrainingStep step, Runnable oneStep) {
        for (int i = 0; i < 50; i++) {
            oneStep.run();
        }
        long createdWhenWarm = step.arena().createdCount();
        long reusedWhenWarm = step.arena().reusedCount();
        long bytes = fewestBytesPerStep(WARM_STEP_BYTES, oneStep);
        assertEquals(createdWhenWarm, step.arena().createdCount(), "a warm step allocated new tensor storage");
        assertTrue(step.arena().reusedCount() > reusedWhenWarm, "the arena should serve the step's tensors");
        return bytes;
    }

    /**
     * The bytes one step allocates, in all threads: the fewest per step over windows of 20 steps, 30
     * windows, then more for up to 20 seconds while the fewest is still above {@code enough}. Until C2
     * has compiled them, the Vector API kernels run in forms that allocate on every call, and after
     * thousands of other tests on two cores the compiler's queue can be seconds long.
     */
    private static long fewestBytesPerStep(long enough, Runnable step) {
        long fewest = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int window = 0; window < 30 || (fewest > enough && System.nanoTime() < deadline); window++) {
            long bytes = allocatedBytes(() -> {
                for (int i = 0; i < 20; i++) {
                    step.run();
                }
            });
            fewest = Math.min(fewest, bytes / 20);
        }
        return fewest;
    }

    /** Bytes allocated by all threads (the worker pool's too) while {@code body} runs. */
    private static long allocatedBytes(Runnable body) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = total(threads);
        body.run();
        return total(threads) - before;
    }

    private static long total(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }

    @Test
    void theCompiledStepsGradientsCarryNoGraph() {
        // Conv2d runs as an eager frame inside the compiled Sequential: its backward must not record.
        Sequential model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 1));
        TrainingStep step = TrainingStep.of(model, (o, t) -> o.sub(t).mul(o.sub(t)).mean(), adam(model));
        assertTrue(step.isCompiled());
        step.forward(Tensor.randn(new Generator(1), 3, 1, 6, 6), Tensor.randn(new Generator(2), 3, 1));
        step.backwardAndUpdate();
        for (Tensor p : model.parameters()) {
            assertNotNull(p.grad());
            assertNull(p.grad().gradFn(), "a gradient with a graph keeps the conv's saved values alive");
        }
    }

    @Test
    void gradientsAndOutputStayReadableUntilTheNextStep() {
        SmallMlp model = new SmallMlp(new Generator(4));
        SmallMlp twin = new SmallMlp(new Generator(4));
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        Tensor[] xy = batch(new Generator(5));

        // The eager reference: the twin's output and gradients before any update.
        boolean was = Compiled.isEnabled();
        Compiled.setEnabled(false);
        Tensor expected;
        try {
            expected = twin.apply(xy[0]);
            F.crossEntropy(expected, xy[1]).backward();
        } finally {
            Compiled.setEnabled(was);
        }

        step.forward(xy[0], xy[1]);
        step.backwardAndUpdate();
        // The backward and the optimizer ran; the step's output and gradients must still hold their values.
        assertArrayEquals(expected.toFloatArray(), step.output().toFloatArray(), 1e-6f);
        List<Tensor> params = model.parameters();
        List<Tensor> twinParams = twin.parameters();
        for (int i = 0; i < params.size(); i++) {
            assertNotNull(params.get(i).grad(), "every parameter gets a gradient");
            assertArrayEquals(twinParams.get(i).grad().toFloatArray(), params.get(i).grad().toFloatArray(), 1e-6f,
                    "gradient of parameter " + i);
        }
    }

    @Test
    void aParameterFrozenOrUnfrozenBetweenStepsIsHonoured() {
        SmallMlp model = new SmallMlp(new Generator(12));
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        Tensor[] xy = batch(new Generator(13));
        step.forward(xy[0], xy[1]);
        step.backwardAndUpdate();

        model.fc1.weight().requiresGrad(false);
        float[] frozen = model.fc1.weight().toFloatArray();
        float[] bias = model.fc1.bias().toFloatArray();
        step.forward(xy[0], xy[1]);
        step.backwardAndUpdate();
        assertArrayEquals(frozen, model.fc1.weight().toFloatArray(), "a frozen weight does not move");
        assertNull(model.fc1.weight().grad(), "a frozen weight gets no gradient");
        assertFalse(java.util.Arrays.equals(bias, model.fc1.bias().toFloatArray()), "the rest still trains");

        model.fc1.weight().requiresGrad(true);
        step.forward(xy[0], xy[1]);
        step.backwardAndUpdate();
        assertNotNull(model.fc1.weight().grad(), "an unfrozen weight gets its gradient again");
        assertFalse(java.util.Arrays.equals(frozen, model.fc1.weight().toFloatArray()), "and trains again");
    }

    @Test
    void aModelWhoseBodyDidNotCompileTakesTheEagerStep() {
        DynamicMlp model = new DynamicMlp(new Generator(6));
        assertNull(model.compiledForward());
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        assertFalse(step.isCompiled());
        double[] losses = train(model, step, 8);
        assertTrue(losses[7] < losses[0]);
        assertTrue(step.arena().reusedCount() > 0, "the eager step recycles its tensors too");
    }

    /** A small CNN: convolution, pooling and the loss are eager ops whose outputs the eager step recycles. */
    private static Module smallCnn(Generator g) {
        return new Sequential(new Conv2d(1, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true,
                g, DType.FLOAT32), new ReLU(),
                new MaxPool2d(3, 2, 1), new Flatten(), new Linear(4 * 4 * 4, CLASSES, true, g, DType.FLOAT32));
    }

    @Test
    void theEagerStepTrainsExactlyLikeAPlainLoop() {
        boolean was = Compiled.isEnabled();
        Compiled.setEnabled(false);
        try {
            Tensor x = Tensor.randn(new Generator(20), BATCH, 1, 8, 8);
            Tensor y = Tensor.randint(new Generator(21), 0, CLASSES, BATCH);
            Module stepped = smallCnn(new Generator(22));
            Module plain = smallCnn(new Generator(22));
            TrainingStep step = TrainingStep.of(stepped, F::crossEntropy, adam(stepped));
            Optimizer optimizer = adam(plain);
            for (int i = 0; i < 6; i++) {
                double loss = step.forward(x, y);
                step.backwardAndUpdate();
                optimizer.zeroGrad();
                Tensor expected = F.crossEntropy(plain.apply(x), y);
                expected.backward();
                optimizer.step();
                assertEquals(expected.item(), loss, 0, "loss of step " + i);
            }
            assertTrue(step.arena().reusedCount() > 0);
            List<Tensor> a = stepped.parameters();
            List<Tensor> b = plain.parameters();
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i).toFloatArray(), a.get(i).toFloatArray(), "parameter " + i + ", bit for bit");
            }
        } finally {
            Compiled.setEnabled(was);
        }
    }

    @Test
    void anEagerStepWhoseOptimizerTrainsSomeParametersAndAnInputThatRequiresGradRunLikeTheCompiledStep() {
        boolean was = Compiled.isEnabled();
        for (boolean compiled : new boolean[] {true, false}) {
            Compiled.setEnabled(compiled);
            try {
                SmallMlp model = new SmallMlp(new Generator(30));
                SmallMlp twin = new SmallMlp(new Generator(30));
                TrainingStep step = TrainingStep.of(model, F::crossEntropy, new Adam(model.fc3.parameters(),
                        Adam.options().lr(1e-2)));
                Optimizer twinOptimizer = new Adam(twin.fc3.parameters(), Adam.options().lr(1e-2));
                Tensor x = Tensor.randn(new Generator(31), BATCH, FEATURES).requiresGrad(true);
                Tensor y = Tensor.randint(new Generator(32), 0, CLASSES, BATCH);
                for (int i = 0; i < 4; i++) {
                    step.forward(x, y);
                    step.backwardAndUpdate();
                    twinOptimizer.zeroGrad();
                    F.crossEntropy(twin.apply(x.detach()), y).backward();
                    twinOptimizer.step();
                }
                String mode = compiled ? "compiled" : "eager";
                assertNull(x.grad(), mode + ": a step computes no gradient for its input");
                assertArrayEquals(twin.fc3.weight().toFloatArray(), model.fc3.weight().toFloatArray(), 1e-6f,
                        mode + ": the optimizer's parameters train as in a plain loop");
                assertArrayEquals(twin.fc1.weight().toFloatArray(), model.fc1.weight().toFloatArray(),
                        mode + ": the others do not move");
                assertNotNull(model.fc1.weight().grad(), mode + ": but get this step's gradient");
            } finally {
                Compiled.setEnabled(was);
            }
        }
    }

    /** Keeps its last output in a field and adds it to the next one: state carried across steps without a copy. */
    public static class CarriesState extends Module {
        @Layer Linear fc;
        Tensor carried;
        final boolean copies;

        public CarriesState(Generator g, boolean copies) {
            fc = new Linear(FEATURES, CLASSES, true, g, DType.FLOAT32);
            this.copies = copies;
        }

        @Forward
        public Tensor forward(Tensor x) {
            Tensor y = fc.forward(x);
            if (carried != null) {
                y = y.add(carried);
            }
            carried = copies ? y.detach().copy() : y.detach();
            return y;
        }
    }

    @Test
    void aTensorKeptFromAnEarlierStepFailsWithAnErrorInsteadOfReadingAnotherStepsNumbers() {
        Tensor[] xy = batch(new Generator(16));
        CarriesState careless = new CarriesState(new Generator(17), false);
        assertNull(careless.compiledForward(), "a field write keeps the body eager");
        TrainingStep step = TrainingStep.of(careless, F::crossEntropy, adam(careless));
        step.forward(xy[0], xy[1]);
        Tensor output = step.output();
        step.backwardAndUpdate();
        assertEquals(BATCH, output.size(0), "the output is readable until the next step");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> step.forward(xy[0], xy[1]));
        assertTrue(e.getMessage().contains("was read after its storage was recycled"), e.getMessage());
        assertThrows(IllegalStateException.class, output::toFloatArray, "nor is the last step's output");

        CarriesState careful = new CarriesState(new Generator(17), true);
        TrainingStep copying = TrainingStep.of(careful, F::crossEntropy, adam(careful));
        for (int i = 0; i < 3; i++) {
            copying.forward(xy[0], xy[1]);
            copying.backwardAndUpdate();
        }
        assertEquals(BATCH * CLASSES, careful.carried.toFloatArray().length, "a copy made during the step may be kept");
    }

    @Test
    void anomalyModeTakesTheEagerStepSoThatItCanNameTheOp() {
        SmallMlp model = new SmallMlp(new Generator(8));
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        try (AnomalyMode.Scope ignored = AnomalyMode.enable()) {
            assertFalse(step.isCompiled());
        }
        assertTrue(step.isCompiled());
    }

    /** A compiled body with two tensor inputs, which a step's one input cannot feed. */
    public static class TwoInputs extends Module {
        @Layer Linear fc;

        public TwoInputs(Generator g) {
            fc = new Linear(FEATURES, CLASSES, true, g, DType.FLOAT32);
        }

        @Forward
        public Tensor forward(Tensor x, Tensor scale) {
            return fc.forward(x).mul(scale);
        }
    }

    @Test
    void aModelWithOtherInputsGetsTheEagerStepAndItsError() {
        TwoInputs model = new TwoInputs(new Generator(14));
        assertNotNull(model.compiledForward());
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        assertFalse(step.isCompiled());
        Tensor[] xy = batch(new Generator(15));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.forward(xy[0], xy[1]));
        assertEquals("TwoInputs.forward(Tensor, Tensor): expects 2 arguments, got 1", e.getMessage());
    }

    @Test
    void backwardNeedsAForwardFirst() {
        SmallMlp model = new SmallMlp(new Generator(9));
        TrainingStep step = TrainingStep.of(model, F::crossEntropy, adam(model));
        IllegalStateException e = assertThrows(IllegalStateException.class, step::backwardAndUpdate);
        assertTrue(e.getMessage().contains("forward(input, target) first"), e.getMessage());
        Tensor[] xy = batch(new Generator(10));
        step.forward(xy[0], xy[1]);
        step.backwardAndUpdate();
        assertThrows(IllegalStateException.class, step::backwardAndUpdate);
    }
}
