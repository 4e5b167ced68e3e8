package dev.kiln.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's worker pool: sized to the machine (Runtime.availableProcessors()), configurable
 * with system property kiln.threads or env KILN_NUM_THREADS, and Parallel.setThreads(n) at run time.
 *
 * <p>The pool is a fixed set of daemon threads that claim contiguous chunks of a range from a shared
 * counter. The caller claims chunks too, so it always does at least one itself, and if the workers are
 * slow to wake (a loaded machine) the caller simply takes their chunks: a call never waits for a
 * chunk that nobody has started. Idle workers spin briefly before parking, so back-to-back calls (the
 * ops of one training step) hand off in about a microsecond instead of the tens of microseconds an
 * unpark costs. Only one range runs on the pool at a time; a call made while the pool is busy (a
 * nested call from inside a body, or a second application thread) runs inline on its caller, which
 * keeps the pool free of deadlocks without any queueing.
 */
public final class Parallel {

  /**
   * Work (in the caller's cost units, roughly elementary operations) below which a range runs inline:
   * about 20 microseconds of arithmetic, well above a hot hand-off and comparable to waking a parked
   * worker.
   */
  static final long GRAIN = 1L << 16;

  private static volatile int threads = initialThreads();
  private static final AtomicReference<Pool> POOL = new AtomicReference<>();

  private Parallel() {}

  /** The body of a parallel loop: processes items [start, end). */
  @FunctionalInterface
  public interface RangeBody {
    /** Processes items start (inclusive) to end (exclusive). */
    void run(int start, int end);
  }

  /** Number of threads (the caller included) that parallel ranges are split over. */
  public static int threads() {
    return threads;
  }

  /** Sets the number of threads (the caller included); 1 makes every range run inline. */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + n);
    }
    // The pool itself is resized lazily, by the next range that needs workers.
    threads = n;
  }

  /**
   * Runs body(start, end) over [0, n) split into contiguous chunks; runs inline on the caller when
   * n*costPerItem is small (below a grain threshold) or threads()==1, so small tensors never pay a
   * thread hand-off.
   */
  public static void forRange(int n, long costPerItem, RangeBody body) {
    if (n <= 0) {
      return;
    }
    int t = threads;
    long cost = Math.max(1L, costPerItem);
    long work = cost > Long.MAX_VALUE / n ? Long.MAX_VALUE : n * cost;
    int chunks = (int) Math.min(Math.min(t, n), Math.max(1L, work / GRAIN));
    if (chunks <= 1) {
      body.run(0, n);
      return;
    }
    pool(t).run(n, chunks, body);
  }

  private static Pool pool(int t) {
    Pool p = POOL.get();
    while (p == null || p.size != t) {
      Pool fresh = new Pool(t);
      if (POOL.compareAndSet(p, fresh)) {
        if (p != null) {
          p.shutdown();
        }
        fresh.start();
        return fresh;
      }
      p = POOL.get();
    }
    return p;
  }

  private static int initialThreads() {
    String value = System.getProperty("kiln.threads");
    if (value == null || value.isBlank()) {
      value = System.getenv("KILN_NUM_THREADS");
    }
    if (value != null && !value.isBlank()) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // Fall back to the machine size: a bad setting must not stop the backend from loading.
      }
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** One range being executed: chunks are claimed from {@code next}, completions counted in {@code done}. */
  private static final class Job {
    final int n;
    final int chunks;
    final RangeBody body;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Job(int n, int chunks, RangeBody body) {
      this.n = n;
      this.chunks = chunks;
      this.body = body;
    }

    /** Claims and runs chunks until none are left. */
    void work() {
      int c;
      while ((c = next.getAndIncrement()) < chunks) {
        try {
          if (failure == null) {
            body.run(bound(c), bound(c + 1));
          }
        } catch (Throwable e) {
          if (failure == null) {
            failure = e;
          }
        } finally {
          done.incrementAndGet();
        }
      }
    }

    private int bound(int c) {
      return (int) ((long) n * c / chunks);
    }
  }

  /** The fixed set of daemon worker threads (size - 1 of them: the caller is the last thread). */
  private static final class Pool {
    /** How long an idle worker spins before parking: covers the gap between consecutive ops. */
    private static final long SPIN_NANOS = 200_000L;

    final int size;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;
    private volatile boolean stopped;

    Pool(int size) {
      this.size = size;
      this.workers = new Thread[size - 1];
      for (int i = 0; i < workers.length; i++) {
        Thread w = new Thread(this::workerLoop, "kiln-cpu-" + (i + 1));
        w.setDaemon(true);
        workers[i] = w;
      }
    }

    void start() {
      for (Thread w : workers) {
        w.start();
      }
    }

    void shutdown() {
      stopped = true;
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
    }

    void run(int n, int chunks, RangeBody body) {
      if (!busy.compareAndSet(false, true)) {
        body.run(0, n);
        return;
      }
      Job job = new Job(n, chunks, body);
      try {
        current = job;
        for (Thread w : workers) {
          LockSupport.unpark(w);
        }
        job.work();
        awaitDone(job);
      } finally {
        current = null;
        busy.set(false);
      }
      Throwable failure = job.failure;
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
    }

    /** Waits for chunks other threads have claimed; they are already running, so this is short. */
    private static void awaitDone(Job job) {
      int spins = 0;
      while (job.done.get() < job.chunks) {
        if (++spins < 1 << 16) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    private void workerLoop() {
      Job last = null;
      while (!stopped) {
        Job job = current;
        if (job != null && job != last) {
          last = job;
          job.work();
          continue;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while ((job = current) == null || job == last) {
          if (stopped) {
            return;
          }
          if (System.nanoTime() < deadline) {
            Thread.onSpinWait();
          } else {
            // A missed unpark is impossible: the caller publishes `current` before unparking, and a
            // park that starts after the unpark returns at once.
            LockSupport.park(this);
          }
        }
      }
    }
  }
}
