package dev.kiln.tensor;

/**
 * A seeded source of random numbers (xoshiro256**) whose whole state can be saved and restored,
 * so a training checkpoint can resume a run exactly.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(0x5eed_c0de_1234L);

    private final long[] s = new long[4];

    /** A generator seeded with {@code seed}: the same seed gives the same sequence. */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The process-wide default generator used when no generator is passed. */
    public static Generator global() {
        return GLOBAL;
    }

    /** Re-seeds this generator. */
    public synchronized Generator manualSeed(long seed) {
        long x = seed;
        for (int i = 0; i < 4; i++) {
            // SplitMix64 spreads one seed over the four state words.
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            s[i] = z ^ (z >>> 31);
        }
        return this;
    }

    /** A copy of the state (four longs). */
    public synchronized long[] state() {
        return s.clone();
    }

    /** Restores a state returned by {@link #state()}. */
    public synchronized void setState(long[] state) {
        if (state.length != 4) {
            throw new IllegalArgumentException("generator state has 4 words, got " + state.length);
        }
        System.arraycopy(state, 0, s, 0, 4);
    }

    /** The next 64 random bits. */
    public synchronized long nextLong() {
        long result = Long.rotateLeft(s[1] * 5, 7) * 9;
        long t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = Long.rotateLeft(s[3], 45);
        return result;
    }

    /** A uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** A standard normal sample (Marsaglia's polar method; no cached second value, so the state is just the four words). */
    public double nextGaussian() {
        double u;
        double v;
        double q;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            q = u * u + v * v;
        } while (q >= 1 || q == 0);
        return u * Math.sqrt(-2 * Math.log(q) / q);
    }
}
