package dev.smoothcal.core.metrics;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import org.apache.commons.math3.distribution.PoissonDistribution;

/**
 * Poisson(1) bootstrap weights that depend only on (seed, global sample index, replicate), so they do
 * not depend on batch boundaries or on how the data was sharded.
 *
 * <p>Each sample seeds its own SplitMix64 stream with {@code mix(seed XOR mix(index + gamma))}; every
 * 64-bit output gives two replicates (low, then high 32 bits), each turned into a Poisson(1) draw by
 * inversion against the CDF scaled to 2^32. The CDF is resolved to 2^-32, so weights above 12
 * (probability about 1e-10) are not drawn.
 */
final class PoissonWeights implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private static final long GAMMA = 0x9e3779b97f4a7c15L;
    private static final long TWO_POW_32 = 1L << 32;
    /** THRESHOLDS[k] = round(P(X <= k) * 2^32); the last entry is 2^32, so inversion always stops. */
    private static final long[] THRESHOLDS = cdfThresholds();
    /** Bits of a uniform value that index {@link #SLICE_WEIGHTS}. */
    private static final int SLICE_BITS = 12;
    /**
     * The weight of every uniform value in slice {@code u >>> 20}, or -1 where a CDF threshold cuts the
     * slice: a branch-light lookup that gives the same weight as inversion and falls back to it in 13 of
     * 4096 slices.
     */
    private static final byte[] SLICE_WEIGHTS = sliceWeights();
    /** {@link #SLICE_WEIGHTS} as doubles (-1 where inversion decides). */
    private static final double[] SLICE_WEIGHTS_DOUBLE = asDoubles(SLICE_WEIGHTS);

    private final long seed;

    PoissonWeights(long seed) {
        this.seed = seed;
    }

    /** Fills {@code weights} (one per replicate) for the sample with global index {@code sampleIndex}. */
    void fill(long sampleIndex, int[] weights) {
        long state = mix(seed ^ mix(sampleIndex + GAMMA));
        int r = 0;
        while (r < weights.length) {
            state += GAMMA;
            long bits = mix(state);
            weights[r++] = draw(bits & 0xffffffffL);
            if (r < weights.length) {
                weights[r++] = draw(bits >>> 32);
            }
        }
    }

    /**
     * As {@link #fill(long, int[])}, the weights as doubles: the bootstrap adds them into double sums,
     * and loops over doubles alone are the ones the JIT vectorises.
     */
    void fill(long sampleIndex, double[] weights) {
        long state = mix(seed ^ mix(sampleIndex + GAMMA));
        int r = 0;
        while (r < weights.length) {
            state += GAMMA;
            long bits = mix(state);
            weights[r++] = drawDouble(bits & 0xffffffffL);
            if (r < weights.length) {
                weights[r++] = drawDouble(bits >>> 32);
            }
        }
    }

    /** {@link #draw} as a double, from a table of doubles: no integer-to-double conversion per weight. */
    static double drawDouble(long uniform32) {
        double w = SLICE_WEIGHTS_DOUBLE[(int) (uniform32 >>> (32 - SLICE_BITS))];
        return w >= 0 ? w : invert(uniform32);
    }

    /** Poisson(1) by inversion of a uniform 32-bit value in {@code [0, 2^32)}. */
    static int draw(long uniform32) {
        int w = SLICE_WEIGHTS[(int) (uniform32 >>> (32 - SLICE_BITS))];
        return w >= 0 ? w : invert(uniform32);
    }

    /** The smallest k with {@code uniform32 < THRESHOLDS[k]}. */
    static int invert(long uniform32) {
        int k = 0;
        while (uniform32 >= THRESHOLDS[k]) {
            k++;
        }
        return k;
    }

    /** SplitMix64's output function (Stafford's mix 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double[] asDoubles(byte[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static byte[] sliceWeights() {
        byte[] weights = new byte[1 << SLICE_BITS];
        int shift = 32 - SLICE_BITS;
        for (int slice = 0; slice < weights.length; slice++) {
            long first = (long) slice << shift;
            long last = ((long) (slice + 1) << shift) - 1;
            int w = invert(first);
            weights[slice] = (byte) (w == invert(last) ? w : -1);
        }
        return weights;
    }

    private static long[] cdfThresholds() {
        PoissonDistribution poisson = new PoissonDistribution(null, 1.0,
                PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS);
        long[] thresholds = new long[64];
        for (int k = 0; k < thresholds.length; k++) {
            long t = Math.round(poisson.cumulativeProbability(k) * TWO_POW_32);
            if (t >= TWO_POW_32) {
                thresholds[k] = TWO_POW_32;
                return Arrays.copyOf(thresholds, k + 1);
            }
            thresholds[k] = t;
        }
        throw SmoothcalException.defect("Poisson(1) CDF did not reach 1 within 64 terms");
    }
}
