package dev.kiln.backend.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.cpu.Parallel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks the CPU worker pool that the GEMM (and the other CPU kernels) split work with. */
class ParallelTest {

  private int savedThreads;

  @BeforeEach
  void saveThreads() {
    savedThreads = Parallel.threads();
  }

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(savedThreads);
  }

  @Test
  void everyIndexIsVisitedExactlyOnceInContiguousChunks() {
    for (int threads : new int[] {1, 2, 3, 4}) {
      Parallel.setThreads(threads);
      for (int n : new int[] {1, 2, 3, 7, 1000, 100_003}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        Parallel.forRange(n, 1_000, (start, end) -> {
          assertTrue(start < end, "empty chunk");
          for (int i = start; i < end; i++) {
            hits.incrementAndGet(i);
          }
        });
        for (int i = 0; i < n; i++) {
          assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " index " + i);
        }
      }
    }
  }

  @Test
  void smallRangesAndOneThreadRunInlineOnTheCaller() {
    Thread caller = Thread.currentThread();
    Parallel.setThreads(2);
    Parallel.forRange(64, 1, (s, e) -> assertSame(caller, Thread.currentThread()));
    Parallel.setThreads(1);
    Parallel.forRange(1 << 20, 1 << 20, (s, e) -> {
      assertSame(caller, Thread.currentThread());
      assertEquals(0, s);
      assertEquals(1 << 20, e);
    });
    Parallel.forRange(0, 1, (s, e) -> {
      throw new AssertionError("body ran for an empty range");
    });
  }

  @Test
  void largeRangesUseTheWorkersAndTheCaller() {
    Parallel.setThreads(2);
    Set<Thread> seen = ConcurrentHashMap.newKeySet();
    for (int attempt = 0; attempt < 200 && seen.size() < 2; attempt++) {
      Parallel.forRange(2, 1L << 30, (s, e) -> {
        seen.add(Thread.currentThread());
        long deadline = System.nanoTime() + 2_000_000L;
        while (System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      });
    }
    assertTrue(seen.contains(Thread.currentThread()), "the caller does a chunk itself");
    assertEquals(2, seen.size(), "a worker thread took the other chunk");
  }

  @Test
  void nestedRangesRunInlineWithoutDeadlock() {
    Parallel.setThreads(2);
    AtomicIntegerArray hits = new AtomicIntegerArray(100);
    Parallel.forRange(10, 1L << 30, (s, e) -> {
      for (int i = s; i < e; i++) {
        int row = i;
        Parallel.forRange(10, 1L << 30, (s2, e2) -> {
          for (int j = s2; j < e2; j++) {
            hits.incrementAndGet(row * 10 + j);
          }
        });
      }
    });
    for (int i = 0; i < 100; i++) {
      assertEquals(1, hits.get(i));
    }
  }

  @Test
  void exceptionsInAChunkReachTheCaller() {
    Parallel.setThreads(2);
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> Parallel.forRange(4, 1L << 30, (s, e) -> {
          if (s > 0) {
            throw new IllegalStateException("chunk " + s);
          }
        }));
    assertTrue(thrown.getMessage().startsWith("chunk"));
    // The pool is still usable afterwards.
    AtomicIntegerArray hits = new AtomicIntegerArray(4);
    Parallel.forRange(4, 1L << 30, (s, e) -> hits.incrementAndGet(s));
    assertEquals(1, hits.get(0));
  }

  @Test
  void threadCountIsConfigurable() {
    Parallel.setThreads(3);
    assertEquals(3, Parallel.threads());
    assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    assertEquals(3, Parallel.threads());
  }
}
