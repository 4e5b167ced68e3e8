package dev.kiln.backend.cpu.gemm;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The stretches of depth in which a micro-panel of A has a nonzero value: a depth step where every
 * row of the panel is zero adds nothing to the tile, so the micro-kernel runs only over these.
 *
 * <p>A network's input layer meets such steps all the time. In batches of 256 of the shipped MNIST
 * digits, 61% of the pixels are blank in all four images of a micro-panel (the borders and the space
 * around the strokes), and they lie in long stretches along each image row, so the first layer's
 * forward product does about 0.4 of its arithmetic (W2's fastest eager forward step went from 5.8-6.2
 * to 5.1-5.5 ms). A dense panel is one run, the whole depth, as before; finding that out, vector by
 * vector, took 0.27 ns per depth step and panel on this project's AVX-512 machine (0.37 with half
 * the elements zero, as after a ReLU), about a cycle, where the kernel spends sixteen per step on
 * each strip of B it multiplies the panel with.
 *
 * <p>A gap is skipped only when at least {@link #MIN_GAP} steps long: each run after the first makes
 * the kernel store and reload its accumulators, which costs about as much as four depth steps.
 *
 * <p>Zero means +0 or -0; NaN is nonzero. A skipped step never changes a finite result (adding an
 * exact zero product is exact), but an infinity or NaN in B at a skipped step does not reach the
 * panel's rows of C, where IEEE arithmetic would have made them NaN (0 * inf); one in a gap too short
 * to skip still does.
 *
 * <p>This class links against jdk.incubator.vector; only the vector kernel's driver makes one.
 */
final class DepthRuns {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();

  /** Shortest stretch of zero depth steps that is skipped. */
  static final int MIN_GAP = 8;

  /** Runs of all panels as [start, end) pairs, panel q's from pair panelStart[q] to panelStart[q+1]. */
  private int[] bounds = new int[0];
  private int[] panelStart = new int[1];

  // Where the search of one panel is: bounds used so far, the open run, its last live step.
  private int used;
  private int runStart;
  private int lastLive;
  /** The lanes of a vector of depth steps with both live and zero ones, looked at one by one. */
  private final int[] lanes = new int[V];

  /**
   * Finds the runs of micro-panels [q0, q1) of {@code mr} rows, panel q's row r holding depth step p
   * at {@code a[aOff + q*panelStride + r*rowStride + p]}, for p < kc; the panels before q0 keep the
   * runs found for them (q0 == 0 starts afresh).
   */
  void find(float[] a, int aOff, int panelStride, int rowStride, int mr, int kc, int q0, int q1) {
    if (panelStart.length < q1 + 1) {
      panelStart = Arrays.copyOf(panelStart, q1 + 1);
    }
    used = 2 * panelStart[q0];
    for (int q = q0; q < q1; q++) {
      // At most one run per MIN_GAP + 1 steps, and one more.
      int room = used + 2 * (kc / (MIN_GAP + 1) + 1);
      if (bounds.length < room) {
        bounds = Arrays.copyOf(bounds, Math.max(room, 2 * bounds.length));
      }
      findPanel(a, aOff + q * panelStride, rowStride, mr, kc);
      panelStart[q + 1] = used / 2;
    }
  }

  /** Number of runs of panel q (0 when the panel is all zero). */
  int count(int q) {
    return panelStart[q + 1] - panelStart[q];
  }

  /** First depth step of run i of panel q. */
  int start(int q, int i) {
    return bounds[2 * (panelStart[q] + i)];
  }

  /** Depth step after the last of run i of panel q. */
  int end(int q, int i) {
    return bounds[2 * (panelStart[q] + i) + 1];
  }

  /** Appends the runs of the panel whose row 0 starts at {@code row} to bounds. */
  private void findPanel(float[] a, int row, int rs, int mr, int kc) {
    runStart = -1;
    lastLive = 0;
    int p = 0;
    for (; p + V <= kc; p += V) {
      IntVector bits = FloatVector.fromArray(S, a, row + p).reinterpretAsInts();
      for (int r = 1; r < mr; r++) {
        bits = bits.or(FloatVector.fromArray(S, a, row + r * rs + p).reinterpretAsInts());
      }
      // Shifting out the sign bit leaves 0 exactly where every row holds +0 or -0.
      IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 1);
      VectorMask<Integer> live = magnitude.compare(VectorOperators.NE, 0);
      if (live.allTrue()) {
        live(p);
        lastLive = p + V - 1;
      } else if (live.anyTrue()) {
        int liveLanes = live.trueCount();
        if (liveLanes > V - MIN_GAP) {
          // Too few zero lanes for a skippable gap between two live ones: only the ends matter.
          live(p + live.firstTrue());
          lastLive = p + live.lastTrue();
        } else {
          magnitude.intoArray(lanes, 0);
          for (int i = 0; i < V; i++) {
            if (lanes[i] != 0) {
              live(p + i);
            }
          }
        }
      }
    }
    for (; p < kc; p++) {
      int bits = 0;
      for (int r = 0; r < mr; r++) {
        bits |= Float.floatToRawIntBits(a[row + r * rs + p]);
      }
      if (bits << 1 != 0) {
        live(p);
      }
    }
    if (runStart >= 0) {
      close();
    }
  }

  /** Depth step p has a nonzero value: it extends the open run, or starts one after a long gap. */
  private void live(int p) {
    if (runStart < 0) {
      runStart = p;
    } else if (p - lastLive > MIN_GAP) {
      close();
      runStart = p;
    }
    lastLive = p;
  }

  private void close() {
    bounds[used] = runStart;
    bounds[used + 1] = lastLive + 1;
    used += 2;
  }
}
