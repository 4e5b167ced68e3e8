package dev.kiln.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.nn.ModuleTestModels.Block;
import dev.kiln.nn.ModuleTestModels.Loop;
import dev.kiln.nn.ModuleTestModels.Net;
import dev.kiln.nn.ModuleTestModels.PlainNet;
import dev.kiln.nn.ModuleTestModels.Relu;
import dev.kiln.nn.ModuleTestModels.Residual;
import dev.kiln.nn.ModuleTestModels.Toy;
import dev.kiln.nn.ModuleTestModels.Unannotated;
import dev.kiln.nn.ModuleTestModels.WiderNet;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated structure of the test models: names, order, sharing, modes, gradients, devices. */
class ModuleStructureTest {

    /*
     * The same structure in PyTorch, whose keys are written below:
     *
     *   class Base(nn.Module):                       # abstract in Java
     *       def __init__(self): super().__init__(); self.scale = nn.Parameter(torch.ones(1))
     *   class Block(nn.Module):
     *       def __init__(self, w):
     *           super().__init__(); self.fc = nn.Linear(w, w)
     *           self.register_buffer("runningMean", torch.zeros(w))
     *   class Net(Base):
     *       def __init__(self):
     *           super().__init__()
     *           self.embed = nn.Linear(4, 8)
     *           self.blocks = nn.ModuleList([Block(8), Block(8)])
     *           self.gate = nn.Parameter(torch.ones(8))
     *           self.register_buffer("steps", torch.zeros(1))
     *           self.register_buffer("cache", torch.zeros(2), persistent=False)
     *           self.head = nn.Linear(8, 4)
     *           self.again = self.blocks[1].fc                     # shared module
     *           self.heads = nn.ModuleDict({"a": nn.Linear(4, 4), "b": nn.Linear(4, 4)})
     *           self.heads["b"].weight = self.heads["a"].weight    # shared tensor
     *           self.extras = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 3)])   # index 1 is null in Java
     */

    static final List<String> PYTORCH_NAMED_PARAMETERS = List.of(
            "scale", "gate",
            "embed.weight", "embed.bias",
            "blocks.0.fc.weight", "blocks.0.fc.bias",
            "blocks.1.fc.weight", "blocks.1.fc.bias",
            "head.weight", "head.bias",
            "heads.a.weight", "heads.a.bias",
            "heads.b.bias",
            "extras.0.weight", "extras.0.bias",
            "extras.2.weight", "extras.2.bias");

    static final List<String> PYTORCH_STATE_DICT = List.of(
            "scale", "gate", "steps",
            "embed.weight", "embed.bias",
            "blocks.0.runningMean", "blocks.0.fc.weight", "blocks.0.fc.bias",
            "blocks.1.runningMean", "blocks.1.fc.weight", "blocks.1.fc.bias",
            "head.weight", "head.bias",
            "again.weight", "again.bias",
            "heads.a.weight", "heads.a.bias",
            "heads.b.weight", "heads.b.bias",
            "extras.0.weight", "extras.0.bias",
            "extras.2.weight", "extras.2.bias");

    static final List<String> PYTORCH_NAMED_BUFFERS = List.of(
            "steps", "cache", "blocks.0.runningMean", "blocks.1.runningMean");

    @Test
    void theStructureIsGeneratedNotReflective() {
        assertTrue(ModuleStructures.isGenerated(Net.class));
        assertEquals("dev.kiln.nn.ModuleTestModels_Net_Module", ModuleStructures.generatedName(Net.class));
        assertEquals("dev.kiln.nn.ModuleTestModels_Net_Module",
                ModuleStructures.of(Net.class).getClass().getName());
    }

    @Test
    void namedParametersHaveThePyTorchKeysInThePyTorchOrder() {
        Net net = new Net();
        assertEquals(PYTORCH_NAMED_PARAMETERS, new ArrayList<>(net.namedParameters().keySet()));
        assertSame(net.scale, net.namedParameters().get("scale"));
        assertSame(net.blocks.get(1).fc.weight, net.namedParameters().get("blocks.1.fc.weight"));
        assertEquals(net.parameters(), new ArrayList<>(net.namedParameters().values()));
    }

    @Test
    void stateDictKeepsEveryPathWithPersistentBuffers() {
        Net net = new Net();
        Map<String, Tensor> state = net.stateDict();
        assertEquals(PYTORCH_STATE_DICT, new ArrayList<>(state.keySet()));
        assertNotSame(net.gate, state.get("gate"), "values are detached views");
        assertTrue(java.util.Arrays.equals(new int[] {8}, state.get("gate").shape()));
    }

    @Test
    void namedBuffersIncludeNonPersistentOnes() {
        assertEquals(PYTORCH_NAMED_BUFFERS, new ArrayList<>(new Net().namedBuffers().keySet()));
    }

    @Test
    void modulesAndChildrenAreListedOnceInPreOrder() {
        Net net = new Net();
        assertEquals(List.of("", "embed", "blocks.0", "blocks.0.fc", "blocks.1", "blocks.1.fc", "head", "heads.a",
                "heads.b", "extras.0", "extras.2"), new ArrayList<>(net.namedModules().keySet()));
        // named_children() deduplicates direct children only: "again" is a grandchild elsewhere.
        assertEquals(List.of("embed", "blocks.0", "blocks.1", "head", "again", "heads.a", "heads.b", "extras.0",
                "extras.2"), new ArrayList<>(net.namedChildren().keySet()));
        net.head = net.embed;
        assertFalse(net.namedChildren().containsKey("head"), "a direct child reachable twice is listed once");
        assertSame(net, net.modules().get(0));
    }

    @Test
    void superclassFieldsComeFirstInSubclasses() {
        WiderNet wider = new WiderNet();
        List<String> expected = new ArrayList<>(List.of("scale", "gate", "extra"));
        expected.addAll(PYTORCH_NAMED_PARAMETERS.subList(2, PYTORCH_NAMED_PARAMETERS.size()));
        assertEquals(expected, new ArrayList<>(wider.namedParameters().keySet()));
        // A subclass that declares nothing has no generated class and uses its superclass's.
        assertEquals(PYTORCH_NAMED_PARAMETERS, new ArrayList<>(new PlainNet().namedParameters().keySet()));
        assertSame(ModuleStructures.of(Net.class), ModuleStructures.of(PlainNet.class));
    }

    @Test
    void anAnonymousSubclassUsesItsSuperclassStructure() {
        Net net = new Net() {};
        assertEquals(PYTORCH_NAMED_PARAMETERS, new ArrayList<>(net.namedParameters().keySet()));
    }

    @Test
    void genericModulesWork() {
        Residual<Block> r = new Residual<>(new Block(3));
        assertEquals(List.of("inner.fc.weight", "inner.fc.bias"), new ArrayList<>(r.namedParameters().keySet()));
        assertEquals(List.of("inner.runningMean", "inner.fc.weight", "inner.fc.bias"),
                new ArrayList<>(r.stateDict().keySet()));
        Tensor y = r.apply(Tensor.ones(1, 3));
        assertTrue(java.util.Arrays.equals(new int[] {1, 3}, y.shape()));
    }

    @Test
    void nullsAreSkippedAndIndicesKept() {
        Net net = new Net();
        net.head = null;
        net.gate = null;
        net.blocks.set(0, null);
        List<String> keys = new ArrayList<>(net.namedParameters().keySet());
        assertFalse(keys.contains("gate"));
        assertFalse(keys.contains("head.weight"));
        assertFalse(keys.contains("blocks.0.fc.weight"));
        assertTrue(keys.contains("blocks.1.fc.weight"));
        net.blocks = null;
        assertFalse(net.namedModules().containsKey("blocks.1"));
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net net = new Net();
        assertTrue(net.isTraining());
        net.eval();
        for (Module m : net.modules()) {
            assertFalse(m.isTraining(), m.getClass().getSimpleName());
        }
        assertFalse(net.blocks.get(1).fc.isTraining());
        net.train();
        for (Module m : net.modules()) {
            assertTrue(m.isTraining());
        }
    }

    @Test
    void zeroGradClearsEveryParameterAndCountsAreDeduplicated() {
        Net net = new Net();
        for (Tensor p : net.parameters()) {
            p.setGrad(Tensor.ones(p.shape()));
        }
        net.zeroGrad();
        for (Tensor p : net.parameters()) {
            assertNull(p.grad());
        }
        long expected = 0;
        for (Tensor p : net.parameters()) {
            expected += p.numel();
        }
        // scale 1, gate 8, embed 32+8, blocks 2*(64+8), head 32+4, heads.a 16+4, heads.b bias 4, extras 8+2, 12+3
        assertEquals(1 + 8 + 40 + 144 + 36 + 20 + 4 + 10 + 15, net.numParameters());
        assertEquals(expected, net.numParameters());
    }

    @Test
    void toDeviceReassignsFieldsAndKeepsSharing() {
        Net net = new Net();
        Tensor before = net.gate;
        net.to(dev.kiln.tensor.Device.cpu());
        assertSame(before, net.gate, "already there: the same tensor");
        assertSame(net.heads.get("a").weight, net.heads.get("b").weight);
    }

    @Test
    void loadStateDictCopiesInPlace() {
        Net source = new Net();
        for (Tensor p : source.parameters()) {
            try (var s = dev.kiln.autograd.GradMode.noGrad()) {
                p.fill(3);
            }
        }
        Net target = new Net();
        Tensor gate = target.gate;
        StateDictResult result = target.loadStateDict(source.stateDict());
        assertTrue(result.isClean());
        assertSame(gate, target.gate, "copied in place");
        assertEquals(3.0, target.gate.get(0));
        assertEquals(3.0, target.blocks.get(1).fc.weight.get(0, 0));
    }

    @Test
    void strictLoadListsEveryProblemAndLoadsNothing() {
        Net target = new Net();
        Map<String, Tensor> state = new Net().stateDict();
        state.remove("head.bias");
        state.remove("steps");
        state.put("head.extra", Tensor.zeros(1));
        state.put("gate", Tensor.full(7, 9));
        state.put("embed.weight", Tensor.full(7, 8, 4));
        StateDictException e = assertThrows(StateDictException.class, () -> target.loadStateDict(state));
        assertEquals(List.of("steps", "head.bias"), e.result().missingKeys());
        assertEquals(List.of("head.extra"), e.result().unexpectedKeys());
        assertEquals(1, e.result().wrongShapes().size());
        assertEquals(List.of(8), e.result().wrongShapes().get(0).expected());
        assertEquals(List.of(9), e.result().wrongShapes().get(0).actual());
        String message = e.getMessage();
        assertTrue(message.contains("missing keys (in the module, not in the state dict): steps, head.bias"), message);
        assertTrue(message.contains("unexpected keys (in the state dict, not in the module): head.extra"), message);
        assertTrue(message.contains("wrong shape for gate: the module has shape [8], the state dict [9]"), message);
        assertEquals(0.5, target.embed.weight.get(0, 0), "nothing was loaded");
    }

    @Test
    void nonStrictLoadReturnsTheProblemsAndLoadsTheRest() {
        Net target = new Net();
        Map<String, Tensor> state = new Net().stateDict();
        state.remove("head.bias");
        state.put("gate", Tensor.full(7, 9));
        state.put("embed.weight", Tensor.full(7, 8, 4));
        StateDictResult result = target.loadStateDict(state, false);
        assertEquals(List.of("head.bias"), result.missingKeys());
        assertEquals(List.of(), result.unexpectedKeys());
        assertEquals("gate", result.wrongShapes().get(0).key());
        assertEquals(7.0, target.embed.weight.get(0, 0));
        assertEquals(1.0, target.gate.get(0), "the wrong-shape key is not loaded");
    }

    @Test
    void applyDispatchesToTheTypedForward() {
        Net net = new Net();
        Tensor y = net.apply(Tensor.ones(2, 4));
        assertTrue(java.util.Arrays.equals(new int[] {2, 4}, y.shape()));
        IllegalArgumentException wrongCount = assertThrows(IllegalArgumentException.class,
                () -> net.apply(Tensor.ones(2, 4), Tensor.ones(2, 4)));
        assertEquals("Net.forward(Tensor): expects 1 argument, got 2", wrongCount.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> net.call("x"));
        assertEquals("Net.forward(Tensor): argument 1 must be a Tensor, got String", wrongType.getMessage());
        // An inherited @Forward dispatches through the superclass's structure.
        assertTrue(java.util.Arrays.equals(new int[] {2, 4}, new WiderNet().apply(Tensor.ones(2, 4)).shape()));
        assertEquals("Net.forward(Tensor)", ModuleStructures.of(WiderNet.class).forwardSignature());
    }

    @Test
    void callPassesHyperparametersAndVarargs() {
        ModuleTestModels.Mixer mixer = new ModuleTestModels.Mixer();
        Object out = mixer.call(Tensor.ones(2), 0.5, "neg", 2, Tensor.ones(2), Tensor.ones(2));
        ModuleTestModels.Mixer.Out o = (ModuleTestModels.Mixer.Out) out;
        assertEquals(3, o.count());
        assertEquals(-3.0, o.sum().get(0));
        // A float literal may be passed as an int-valued number for a double parameter.
        assertEquals(1, ((ModuleTestModels.Mixer.Out) mixer.call(Tensor.ones(2), 1, "pos", 1)).count());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> mixer.apply(Tensor.ones(2)));
        assertEquals("Mixer.forward(Tensor, double, String, int, Tensor...): expects at least 4 arguments, got 1",
                missing.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> mixer.call(Tensor.ones(2), 0.5, "neg", 2.5));
        assertEquals("Mixer.forward(Tensor, double, String, int, Tensor...): argument 4 must be an int, got Double",
                wrongType.getMessage());
        IllegalStateException notTensor = assertThrows(IllegalStateException.class,
                () -> new ModuleTestModels.Split().apply(Tensor.ones(2)));
        assertEquals("Split.forward(Tensor) returned a List12, not a Tensor: use call(...)".replace("List12",
                List.of(1, 2).getClass().getSimpleName()), notTensor.getMessage());
        assertEquals(2, ((List<?>) new ModuleTestModels.Split().call(Tensor.ones(2))).size());
    }

    @Test
    void aModuleWithoutAnnotationsHasNoMembersAndCannotBeApplied() {
        Unannotated u = new Unannotated();
        assertTrue(u.namedParameters().isEmpty());
        assertEquals("Unannotated()", u.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> u.apply(Tensor.ones(1)));
        assertTrue(e.getMessage().contains("has no @Forward method"), e.getMessage());
        assertTrue(new Relu().namedParameters().isEmpty());
        assertEquals(0.0, new Relu().apply(Tensor.full(-1, 2)).get(0));
    }

    @Test
    void toStringIsAPyTorchStyleTree() {
        Residual<Block> r = new Residual<>(new Block(3));
        assertEquals(String.join("\n",
                "Residual(",
                "  (inner): Block(",
                "    (fc): Toy(in_features=3, out_features=3)",
                "  )",
                ")"), r.toString());
        String net = new Net().toString();
        assertTrue(net.startsWith("Net(\n  (embed): Toy(in_features=4, out_features=8)\n  (blocks): ModuleList(\n"
                + "    (0): Block(\n      (fc): Toy(in_features=8, out_features=8)\n    )\n"), net);
        assertTrue(net.contains("  (heads): ModuleDict(\n    (a): Toy(in_features=4, out_features=4)\n"), net);
        assertTrue(net.contains("  (extras): ModuleList(\n    (0): Toy(in_features=4, out_features=2)\n"
                + "    (2): Toy(in_features=4, out_features=3)\n  )\n)"), net);
    }

    @Test
    void summaryListsModulesShapesAndCounts() {
        Net net = new Net();
        String summary = net.summary(2, 4);
        assertTrue(summary.contains("Net "), summary);
        assertTrue(summary.contains("[2, 4]"), summary);
        assertTrue(summary.contains("  blocks.0 (Block)"), summary);
        assertTrue(summary.contains("[2, 8]"), "blocks run through apply() show their shape:\n" + summary);
        assertTrue(summary.contains("Total params: 278"), summary);
        assertTrue(summary.contains("Trainable params: 278"), summary);
        assertTrue(net.isTraining(), "modes are restored");
    }

    @Test
    void aCycleIsAnErrorNotAHang() {
        Loop loop = new Loop();
        assertEquals(List.of(""), new ArrayList<>(loop.namedModules().keySet()));
        IllegalStateException e = assertThrows(IllegalStateException.class, loop::stateDict);
        assertTrue(e.getMessage().contains("module cycle"), e.getMessage());
        assertEquals("Loop(\n  (self): Loop(<cycle>)\n)", loop.toString());
    }

    @Test
    void anInlineContainerNamesItsElementsLikeNnSequential() {
        // PyTorch: nn.Sequential(Linear(2, 3), ReLU(), Block(3)) plus a parameter "extra"
        ModuleTestModels.Seq seq = new ModuleTestModels.Seq(new Toy(2, 3), new Relu(), new Block(3));
        assertEquals(List.of("extra", "0.weight", "0.bias", "2.fc.weight", "2.fc.bias"),
                new ArrayList<>(seq.namedParameters().keySet()));
        assertEquals(List.of("extra", "0.weight", "0.bias", "2.runningMean", "2.fc.weight", "2.fc.bias"),
                new ArrayList<>(seq.stateDict().keySet()));
        assertEquals(List.of("0", "1", "2"), new ArrayList<>(seq.namedChildren().keySet()));
        assertEquals(String.join("\n",
                "Seq(",
                "  (0): Toy(in_features=2, out_features=3)",
                "  (1): Relu()",
                "  (2): Block(",
                "    (fc): Toy(in_features=3, out_features=3)",
                "  )",
                ")"), seq.toString());
        String summary = seq.summary(1, 2);
        assertTrue(summary.matches("(?s).*\\n  1 \\(Relu\\) +\\[1, 3\\] +0\\n.*"), summary);
        assertTrue(summary.contains("Non-trainable params: 1"), summary);
    }

    @Test
    void mapKeysMustBeUsableNames() {
        Net net = new Net();
        net.heads.put("x.y", new Toy(1, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, net::namedParameters);
        assertTrue(e.getMessage().contains("'x.y' cannot name a module"), e.getMessage());
    }

    @Test
    void toyLayerLeavesRequiresGradToTheModule() {
        Toy toy = new Toy(2, 3);
        assertTrue(toy.weight.requiresGrad());
        assertEquals(Map.of(), new Relu().namedBuffers());
    }
}
