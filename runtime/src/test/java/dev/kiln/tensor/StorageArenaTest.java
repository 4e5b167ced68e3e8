package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ops.Ops;
import org.junit.jupiter.api.Test;

/** How a {@link StorageArena} hands storages out again, run after run. */
class StorageArenaTest {

    @Test
    void theSameAllocationGetsTheSameStorageZeroFilledInTheNextRun() {
        StorageArena arena = new StorageArena();
        Storage first;
        Storage second;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            first = Tensor.full(3f, 2, 3).storage();
            second = Tensor.zeros(DType.FLOAT64, 4).storage();
        }
        int version = first.version();
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            Tensor again = Tensor.zeros(2, 3);
            assertSame(first, again.storage());
            assertArrayEquals(new float[6], again.toFloatArray(), "a recycled storage is zero-filled");
            assertTrue(again.storage().version() > version, "recycling moves the version on");
            assertSame(second, Tensor.zeros(DType.FLOAT64, 4).storage());
        }
        assertEquals(2, arena.reusedCount());
        assertEquals(2, arena.createdCount());
        assertEquals(2, arena.size());
    }

    @Test
    void emptyTakesTheStorageAsItIsForItsCallerOverwritesIt() {
        StorageArena arena = new StorageArena();
        Storage first;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            first = Tensor.full(5f, 4).storage();
        }
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            Tensor again = Tensor.empty(DType.FLOAT32, 4);
            assertSame(first, again.storage());
            assertArrayEquals(new float[] {5, 5, 5, 5}, again.toFloatArray(), "no pass over memory for empty");
        }
    }

    @Test
    void aPositionWhoseSizeChangedGetsANewStorageThatLaterRunsReuse() {
        StorageArena arena = new StorageArena();
        Storage small;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            small = Tensor.zeros(4).storage();
        }
        Storage large;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            large = Tensor.zeros(8).storage();
            assertNotSame(small, large);
        }
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            assertSame(large, Tensor.zeros(8).storage());
            Tensor extra = Tensor.zeros(DType.INT64, 3);
            assertEquals(3, extra.numel(), "a run longer than the last one grows the arena");
        }
        assertEquals(3, arena.size(), "position 0 keeps both of its sizes, position 1 its one");
    }

    @Test
    void anEpochsSmallerLastBatchAlternatingWithFullOnesSettles() {
        StorageArena arena = new StorageArena();
        int[] batches = {128, 128, 32, 128, 128, 32, 128, 32};
        for (int rows : batches) {
            arena.startRun();
            try (StorageArena.Scope ignored = arena.activate()) {
                Tensor.empty(DType.FLOAT32, rows, 10);
                Tensor.zeros(rows);
            }
        }
        assertEquals(4, arena.createdCount(), "each position made one storage per batch size, once");
        assertEquals(2L * batches.length - 4, arena.reusedCount());
    }

    @Test
    void aRunSplitIntoScopesContinuesWhereTheLastScopeStopped() {
        StorageArena arena = new StorageArena();
        arena.startRun();
        Storage a;
        Storage b;
        try (StorageArena.Scope ignored = arena.activate()) {
            a = Tensor.zeros(5).storage();
        }
        Storage outside = Tensor.zeros(5).storage();
        try (StorageArena.Scope ignored = arena.activate()) {
            b = Tensor.zeros(5).storage();
        }
        assertNotSame(a, b);
        assertNotSame(a, outside);
        assertNotSame(b, outside);
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            assertSame(a, Tensor.zeros(5).storage());
            assertSame(b, Tensor.zeros(5).storage());
        }
    }

    @Test
    void aGraphKeptFromAnEarlierRunFailsInsteadOfReadingRecycledNumbers() {
        StorageArena arena = new StorageArena();
        Tensor w = Tensor.randn(new Generator(1), 3).requiresGrad(true);
        Tensor loss;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            loss = Ops.exp(w.mul(2)).sum();
        }
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            Ops.exp(w.mul(2)).sum();
        }
        RuntimeException e = assertThrows(RuntimeException.class, loss::backward);
        assertTrue(e.getMessage().contains("recycled"), e.getMessage());
    }

    @Test
    void aTensorFromAnEarlierRunCannotBeReadOnceItsStorageIsRecycled() {
        StorageArena arena = new StorageArena();
        Tensor kept;
        Tensor view;
        Storage storage;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            kept = Tensor.full(2f, 2, 3);
            storage = kept.storage();
            view = kept.reshape(6);
            assertEquals(2f, kept.toFloatArray()[0], "readable during its own run");
        }
        assertEquals(12.0, kept.sum().item(), "and after it, until the storage is recycled");
        arena.startRun();
        Tensor current;
        try (StorageArena.Scope ignored = arena.activate()) {
            current = Tensor.full(5f, 2, 3);
        }
        assertSame(storage, current.storage(), "the next run's tensor took over the storage");
        for (Tensor stale : new Tensor[] {kept, view}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, stale::toFloatArray);
            assertEquals("a tensor of shape " + Shapes.str(stale.shape()) + " was read after its storage was "
                    + "recycled: a TrainingStep reuses the memory of every tensor it made once the next step starts "
                    + "(its output, the loss, the gradients, anything a module kept from its forward); copy() a "
                    + "tensor during its step to keep it longer", e.getMessage());
            assertThrows(IllegalStateException.class, () -> stale.add(1));
            assertThrows(IllegalStateException.class, stale::detach);
        }
        assertArrayEquals(new float[] {5, 5, 5, 5, 5, 5}, current.toFloatArray(), "the new owner reads its own numbers");
    }

    @Test
    void aCopyIsNewMemoryThatTheArenaDoesNotRecycle() {
        StorageArena arena = new StorageArena();
        Tensor copy;
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            Tensor product = Tensor.full(2f, 3).mul(2);
            long created = arena.createdCount();
            copy = product.copy();
            assertEquals(created, arena.createdCount(), "the product came from the arena, its copy did not");
        }
        arena.startRun();
        try (StorageArena.Scope ignored = arena.activate()) {
            Tensor.full(7f, 3).mul(2).copy();
        }
        assertArrayEquals(new float[] {4, 4, 4}, copy.toFloatArray());
    }

    @Test
    void arenasDoNotNest() {
        StorageArena outer = new StorageArena();
        try (StorageArena.Scope ignored = outer.activate()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StorageArena().activate());
            assertTrue(e.getMessage().contains("do not nest"), e.getMessage());
        }
        try (StorageArena.Scope ignored = new StorageArena().activate()) {
            assertEquals(2, Tensor.zeros(2).numel(), "a closed scope leaves the thread free for another arena");
        }
    }
}
