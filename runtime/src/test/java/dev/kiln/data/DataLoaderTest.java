package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.transforms.RandomHorizontalFlip;
import dev.kiln.tensor.Generator;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** The targets (10 * index) of each batch of one pass, as index lists. */
    static List<List<Long>> pass(Iterable<Batch> loader) {
        List<List<Long>> out = new ArrayList<>();
        for (Batch b : loader) {
            List<Long> ids = new ArrayList<>();
            for (long t : b.target().toLongArray()) {
                ids.add(t / 10);
            }
            out.add(ids);
        }
        return out;
    }

    static List<Long> flat(List<List<Long>> batches) {
        return batches.stream().flatMap(List::stream).toList();
    }

    @Test
    void batchesInOrderWithoutShuffle() {
        DataLoader<Batch> loader = DataLoader.builder(DatasetsTest.numbered(10)).batchSize(4).build();
        assertEquals(3, loader.length());
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)), pass(loader));
        Batch first = loader.iterator().next();
        assertArrayEquals(new int[] {4, 3}, first.input().shape());
        assertArrayEquals(new float[] {1, 1.5f, 1.25f}, first.input().select(0, 1).toFloatArray());
    }

    @Test
    void dropLastSkipsTheShortBatch() {
        DataLoader<Batch> loader = DataLoader.builder(DatasetsTest.numbered(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.length());
        assertEquals(2, pass(loader).size());
        DataLoader<Batch> tiny = DataLoader.builder(DatasetsTest.numbered(3)).batchSize(4).dropLast(true).build();
        assertEquals(0, tiny.length());
        assertFalse(tiny.iterator().hasNext());
        assertEquals(1, tiny.state().epoch(), "an empty pass still counts as an epoch");
    }

    @Test
    void shuffleVisitsEveryExampleOncePerEpochInASeededOrder() {
        TensorDataset d = DatasetsTest.numbered(50);
        DataLoader<Batch> a = DataLoader.builder(d).batchSize(8).shuffle(true).seed(7).build();
        DataLoader<Batch> b = DataLoader.builder(d).batchSize(8).shuffle(true).seed(7).prefetch(0).build();
        List<Long> e0 = flat(pass(a));
        List<Long> e1 = flat(pass(a));
        assertEquals(e0, flat(pass(b)), "prefetching does not change the order");
        assertEquals(e1, flat(pass(b)));
        assertNotEquals(e0, e1, "each epoch has its own order");
        List<Long> sorted = new ArrayList<>(e0);
        sorted.sort(null);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted.get(i));
        }
        DataLoader<Batch> other = DataLoader.builder(d).batchSize(8).shuffle(true).seed(8).build();
        assertNotEquals(e0, flat(pass(other)));
    }

    @Test
    void aSubsetOfATensorDatasetIsGatheredThroughItsIndices() {
        TensorDataset d = DatasetsTest.numbered(20);
        Subset<Example> s = Datasets.randomSplit(d, new int[] {15, 5}, new Generator(3)).get(1);
        List<Long> expected = Arrays.stream(s.indices()).mapToObj(i -> (long) i).toList();
        assertEquals(expected, flat(pass(DataLoader.builder(s).batchSize(2).build())));
    }

    @Test
    void aCustomCollateAndAnyDataset() {
        Dataset<String> words = new Dataset<>() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public String get(int index) {
                return "w" + index;
            }
        };
        DataLoader<String> loader = DataLoader.builder(words, (List<String> xs) -> String.join("+", xs)).batchSize(2)
                .build();
        List<String> out = new ArrayList<>();
        loader.forEach(out::add);
        assertEquals(List.of("w0+w1", "w2+w3", "w4"), out);
        assertThrows(IllegalStateException.class,
                () -> DataLoader.builder(words, xs -> xs).inputTransform(new RandomHorizontalFlip()));
    }

    @Test
    void aFailingExampleReachesTheConsumerWithItsCause() {
        IllegalStateException boom = new IllegalStateException("bad record 7");
        Dataset<Example> failing = new Dataset<>() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Example get(int index) {
                if (index == 7) {
                    throw boom;
                }
                return new Example(Tensor.ones(2), Tensor.scalar(index));
            }
        };
        for (int prefetch : new int[] {0, 2}) {
            DataLoader<Batch> loader = DataLoader.builder(failing).batchSize(3).prefetch(prefetch).build();
            DataLoader<Batch>.BatchIterator it = loader.iterator();
            it.next();
            it.next();
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().contains("batch 2 of epoch 0") && e.getMessage().contains("bad record 7"),
                    e.getMessage());
            assertFalse(it.hasNext());
        }
    }

    @Test
    void closingAPassEarlyStopsItsThreadAndTheNextPassIsANewEpoch() throws InterruptedException {
        DataLoader<Batch> loader = DataLoader.builder(DatasetsTest.numbered(100)).batchSize(1).shuffle(true).seed(1)
                .prefetch(2).build();
        List<Long> firstOfEpoch1;
        try (var it = loader.iterator()) {
            it.next();
            assertEquals(new DataLoader.State(1, 0, 1), loader.state());
        }
        assertTrue(waitForPrefetchThreadsToEnd(), "the prefetch thread ends after close");
        firstOfEpoch1 = flat(pass(loader));
        assertEquals(100, firstOfEpoch1.size(), "the next pass is a whole new epoch");
        DataLoader<Batch> fresh = DataLoader.builder(DatasetsTest.numbered(100)).batchSize(1).shuffle(true).seed(1)
                .build();
        fresh.setEpoch(1);
        assertEquals(firstOfEpoch1, flat(pass(fresh)));

        DataLoader<Batch>.BatchIterator abandoned = loader.iterator();
        abandoned.next();
        DataLoader<Batch>.BatchIterator next = loader.iterator();
        assertFalse(abandoned.hasNext(), "starting a pass closes the previous one");
        assertThrows(NoSuchElementException.class, abandoned::next);
        assertEquals(3, next.epoch());
        next.close();
    }

    private static boolean waitForPrefetchThreadsToEnd() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            boolean alive = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("kiln-data-prefetch-") && t.isAlive());
            if (!alive) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void stateResumesMidEpochExactly() {
        TensorDataset d = DatasetsTest.numbered(30);
        DataLoader<Batch> straight = DataLoader.builder(d).batchSize(4).shuffle(true).seed(5).build();
        List<List<Long>> epoch0 = pass(straight);
        List<List<Long>> epoch1 = pass(straight);
        assertEquals(new DataLoader.State(5, 2, 0), straight.state());

        DataLoader<Batch> interrupted = DataLoader.builder(d).batchSize(4).shuffle(true).seed(5).build();
        pass(interrupted);
        DataLoader.State saved;
        try (var it = interrupted.iterator()) {
            it.next();
            it.next();
            it.next();
            saved = interrupted.state();
        }
        assertEquals(new DataLoader.State(5, 1, 3), saved);

        DataLoader<Batch> resumed = DataLoader.builder(d).batchSize(4).shuffle(true).seed(999).build();
        resumed.setState(saved);
        assertEquals(epoch1.subList(3, epoch1.size()), pass(resumed));
        assertEquals(new DataLoader.State(5, 2, 0), resumed.state());
        assertNotEquals(epoch0, epoch1);
    }

    @Test
    void aStateSavedAfterTheLastBatchResumesAtTheNextEpoch() {
        DataLoader<Batch> loader = DataLoader.builder(DatasetsTest.numbered(8)).batchSize(4).build();
        loader.setState(new DataLoader.State(0, 2, 2));
        assertEquals(new DataLoader.State(0, 3, 0), loader.state());
        assertThrows(IllegalArgumentException.class, () -> loader.setState(new DataLoader.State(0, 0, 3)));
    }

    @Test
    void inputTransformsAreSeededPerBatchNotPerThread() {
        TensorDataset d = new TensorDataset(Tensor.rand(new Generator(4), 12, 1, 2, 5), Tensor.arange(12));
        DataLoader<Batch> a = DataLoader.builder(d).batchSize(5).seed(3).inputTransform(new RandomHorizontalFlip())
                .build();
        DataLoader<Batch> b = DataLoader.builder(d).batchSize(5).seed(3).prefetch(0)
                .inputTransform(new RandomHorizontalFlip()).build();
        List<float[]> first = new ArrayList<>();
        for (Batch x : a) {
            first.add(x.input().toFloatArray());
        }
        int i = 0;
        int flipped = 0;
        for (Batch x : b) {
            assertArrayEquals(first.get(i), x.input().toFloatArray());
            for (int k = 0; k < x.size(); k++) {
                if (!Arrays.equals(x.input().select(0, k).toFloatArray(),
                        d.inputs().select(0, 5 * i + k).toFloatArray())) {
                    flipped++;
                }
            }
            i++;
        }
        assertTrue(flipped > 0 && flipped < 12, "some but not all images flipped: " + flipped);
    }

    @Test
    void aBatchTransformSeesEveryBatch() {
        DataLoader<Batch> loader = DataLoader.builder(DatasetsTest.numbered(6)).batchSize(4)
                .transform((batch, g) -> new Batch(batch.input().mul(2), batch.target())).build();
        Batch first = loader.iterator().next();
        assertArrayEquals(new float[] {0, 1, 0.5f}, first.input().select(0, 0).toFloatArray());
        assertInstanceOf(DataLoader.BatchIterator.class, loader.iterator());
    }

    @Test
    void rejectsBadOptions() {
        TensorDataset d = DatasetsTest.numbered(3);
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(d).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(d).prefetch(-1));
    }
}
