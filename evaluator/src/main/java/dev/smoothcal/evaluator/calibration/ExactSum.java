package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import java.io.Serializable;
import java.math.BigInteger;

/**
 * The exact sum of finite doubles, rounded once at the end: the same double whatever the order of the
 * terms and however they were split into partial sums and {@linkplain #add(ExactSum) combined}. That makes
 * the temperature fit's objective the same bits in one JVM and over the partitions of a Spark job, so the
 * same search takes the same steps to the same T.
 *
 * <p>Every double is {@code m * 2^(e - 1075)} with an integer mantissa {@code |m| < 2^53} and a biased
 * exponent {@code e} in [1, 2046]; the sum keeps one {@code long} per exponent and carries between them
 * every {@value #ADDS_BEFORE_CARRY} terms, so no bucket overflows. About 17 kB, a few operations a term.
 */
public final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Bits left in each bucket after a carry; the rest moves up {@value} exponents. */
    private static final int CARRY_BITS = 20;
    /** Terms (each below 2^53) a bucket of fewer than 2^20 takes before it could pass 2^62. */
    static final int ADDS_BEFORE_CARRY = 512;
    private static final int BUCKETS = 2048 + 4 * CARRY_BITS;

    /** @serial bucket {@code e} holds {@code b[e] * 2^(e - 1075)} */
    private final long[] b = new long[BUCKETS];
    /** @serial terms added since the last carry */
    private int pending;

    /** An empty sum (zero). */
    public ExactSum() {
    }

    /**
     * Adds one term.
     *
     * @param x a finite double
     * @return this sum
     * @throws SmoothcalException for a NaN or an infinity
     */
    public ExactSum add(double x) {
        if (!Double.isFinite(x)) {
            throw new SmoothcalException("an exact sum takes finite terms, found " + x);
        }
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) ((bits >>> 52) & 0x7ff);
        long m = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) {
            e = 1; // subnormal: m * 2^(1 - 1075)
        } else {
            m |= 1L << 52;
        }
        b[e] += bits < 0 ? -m : m;
        if (++pending == ADDS_BEFORE_CARRY) {
            carry();
        }
        return this;
    }

    /**
     * Adds another sum's terms (exactly: the result is as if they had been added here one by one).
     *
     * @param other another sum, left unchanged
     * @return this sum
     */
    public ExactSum add(ExactSum other) {
        carry();
        long[] o = other.b.clone();
        carry(o);
        for (int e = 0; e < BUCKETS; e++) {
            b[e] += o[e];
        }
        carry();
        return this;
    }

    /**
     * The sum, rounded to the nearest double once.
     *
     * @return the rounded exact sum
     */
    public double value() {
        carry();
        BigInteger total = BigInteger.ZERO;
        for (int e = 0; e < BUCKETS; e++) {
            if (b[e] != 0) {
                total = total.add(BigInteger.valueOf(b[e]).shiftLeft(e));
            }
        }
        // total * 2^-1075, rounded once: the top 62 bits with a sticky bit for the rest, then an exact scaling
        // (exact unless the sum is subnormal, where the result is still the same for every order of terms).
        BigInteger magnitude = total.abs();
        int shift = Math.max(0, magnitude.bitLength() - 62);
        long top = magnitude.shiftRight(shift).longValueExact();
        if (shift > 0 && magnitude.getLowestSetBit() < shift) {
            top |= 1;
        }
        double value = Math.scalb((double) top, shift - 1075);
        return total.signum() < 0 ? -value : value;
    }

    private void carry() {
        carry(b);
        pending = 0;
    }

    /** Leaves every bucket but the top ones in [0, 2^20), moving the rest up; the value is unchanged. */
    private static void carry(long[] b) {
        for (int e = 0; e < BUCKETS - CARRY_BITS; e++) {
            long q = b[e] >> CARRY_BITS; // floor, also for negative buckets
            if (q != 0) {
                b[e] -= q << CARRY_BITS;
                b[e + CARRY_BITS] += q;
            }
        }
    }
}
