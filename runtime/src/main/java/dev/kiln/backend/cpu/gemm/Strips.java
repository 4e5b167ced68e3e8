package dev.kiln.backend.cpu.gemm;

/**
 * How the columns of a packed panel of B are cut into strips, one strip per micro-kernel call.
 *
 * <p>The panel's width is counted in vectors and spread as evenly as possible over the fewest strips
 * of at most {@code nr} columns: 200 columns with 16-float vectors (13 vectors) become strips of
 * 4, 3, 3 and 3 vectors rather than 4, 4, 4 and 1. A one-vector strip has only four accumulators and
 * issues more loads than fma, so avoiding it keeps narrow layers (n = 70, 100, 200) close to the
 * speed of wide ones. Strip s holds its columns at {@code packed[start(s)*kc + p*width(s) + j]}.
 */
final class Strips {

  private final int align;
  private final int count;
  private final int base;
  private final int wider;

  /** Strips for {@code nc} columns, each at most {@code nr} wide and a multiple of {@code align}. */
  Strips(int nc, int nr, int align) {
    int vectors = (nc + align - 1) / align;
    int perStrip = nr / align;
    this.align = align;
    this.count = (vectors + perStrip - 1) / perStrip;
    this.base = vectors / count;
    this.wider = vectors % count;
  }

  /** Number of strips. */
  int count() {
    return count;
  }

  /** First column of strip s (also its offset in the packed panel, divided by kc). */
  int start(int s) {
    return (s * base + Math.min(s, wider)) * align;
  }

  /** Packed width of strip s (a multiple of align). */
  int width(int s) {
    return (base + (s < wider ? 1 : 0)) * align;
  }

  /** Total packed width of all strips (the panel width rounded up to align). */
  int totalWidth() {
    return start(count);
  }
}
