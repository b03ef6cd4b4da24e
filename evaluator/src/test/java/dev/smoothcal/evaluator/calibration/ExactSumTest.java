package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ExactSum against BigDecimal's exact sum, rounded once: the same bits, whatever the order and the split. */
class ExactSumTest {

    @Test
    void equalsTheRoundedBigDecimalSumInAnyOrderAndSplit() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rng.nextInt(5000);
            double[] x = new double[n];
            BigDecimal exact = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                x[i] = term(rng, trial);
                exact = exact.add(new BigDecimal(x[i]));
            }
            double expected = exact.doubleValue();
            ExactSum inOrder = new ExactSum();
            for (double v : x) {
                inOrder.add(v);
            }
            ExactSum reversed = new ExactSum();
            for (int i = n - 1; i >= 0; i--) {
                reversed.add(x[i]);
            }
            ExactSum split = new ExactSum();
            int from = 0;
            while (from < n) {
                int to = Math.min(n, from + 1 + rng.nextInt(700));
                ExactSum part = new ExactSum();
                for (int i = from; i < to; i++) {
                    part.add(x[i]);
                }
                split.add(part);
                from = to;
            }
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(inOrder.value()), "in order");
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(reversed.value()), "reversed");
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(split.value()), "split");
        }
    }

    @Test
    void cancellationLeavesTheTinyRest() {
        ExactSum s = new ExactSum().add(1e300).add(Double.MIN_VALUE).add(-1e300);
        assertEquals(Double.MIN_VALUE, s.value());
        assertEquals(0.0, new ExactSum().value());
        assertEquals(0.30000000000000004, new ExactSum().add(0.1).add(0.2).value(), 0.0); // 0.1 + 0.2 rounded once
    }

    @Test
    void refusesNonFiniteTerms() {
        assertThrows(SmoothcalException.class, () -> new ExactSum().add(Double.NaN));
        assertThrows(SmoothcalException.class, () -> new ExactSum().add(Double.POSITIVE_INFINITY));
    }

    /** NLL-like terms in the first trials, then any sign and magnitude down to subnormals. */
    private static double term(SplittableRandom rng, int trial) {
        if (trial < 5) {
            return -Math.log(rng.nextDouble(1e-9, 1));
        }
        double v = rng.nextDouble() * Math.pow(2, rng.nextInt(-1074, 900));
        return rng.nextBoolean() ? v : -v;
    }
}
