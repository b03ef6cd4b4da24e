package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import java.util.List;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.util.CombinatoricsUtils;
import org.junit.jupiter.api.Test;

class PoissonBootstrapTest {

    @Test
    void weightsFollowPoissonOneAndReplicatesAreIndependent() {
        // reference: P(X = j) = e^-1 / j!, written out here; chi-square goodness of fit over 0..5 and 6+
        PoissonWeights weights = new PoissonWeights(42);
        int samples = 10_000;
        int replicates = 21; // odd, so the unpaired last half-word is exercised too
        long[] observed = new long[7];
        long bothZero = 0;
        long pairs = 0;
        int[] w = new int[replicates];
        for (long i = 0; i < samples; i++) {
            weights.fill(i + 1_000_000_000_000L, w);
            for (int r = 0; r < replicates; r++) {
                observed[Math.min(w[r], 6)]++;
                if (r > 0) {
                    pairs++;
                    bothZero += w[r] == 0 && w[r - 1] == 0 ? 1 : 0;
                }
            }
        }
        double total = (double) samples * replicates;
        double[] expected = new double[7];
        double tail = 1.0;
        for (int j = 0; j < 6; j++) {
            expected[j] = Math.exp(-1) / CombinatoricsUtils.factorialDouble(j) * total;
            tail -= expected[j] / total;
        }
        expected[6] = tail * total;
        double pValue = new ChiSquareTest().chiSquareTest(expected, observed);
        assertTrue(pValue > 1e-3, "Poisson(1) goodness of fit p = " + pValue);
        // neighbouring replicates (same or adjacent 64-bit words) are independent: P(0, 0) = e^-2
        double pZeroZero = Math.exp(-2);
        double sd = Math.sqrt(pZeroZero * (1 - pZeroZero) / pairs);
        assertEquals(pZeroZero, (double) bothZero / pairs, 5 * sd, "P(w_r = 0 and w_r-1 = 0)");
    }

    @Test
    void sliceLookupAgreesWithInversionAtEveryThresholdAndBetween() {
        // reference: plain inversion against the CDF thresholds; the lookup table must never differ from it
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200_000; i++) {
            long u = random.nextLong() >>> 32;
            assertEquals(PoissonWeights.invert(u), PoissonWeights.draw(u), "u = " + u);
        }
        for (int k = 0; k < 12; k++) {
            // the first value of weight k+1 (where the CDF through k ends) and its neighbours
            long edge = Math.round(Math.exp(-1) * sumOfInverseFactorials(k) * 4294967296.0);
            for (long u = Math.max(0, edge - 2); u <= Math.min(edge + 2, 4294967295L); u++) {
                assertEquals(PoissonWeights.invert(u), PoissonWeights.draw(u), "u = " + u);
            }
        }
        for (long slice = 0; slice < 4096; slice++) {
            long first = slice << 20;
            long last = first + (1 << 20) - 1;
            assertEquals(PoissonWeights.invert(first), PoissonWeights.draw(first), "u = " + first);
            assertEquals(PoissonWeights.invert(last), PoissonWeights.draw(last), "u = " + last);
        }
        assertEquals(0, PoissonWeights.draw(0));
        assertTrue(PoissonWeights.draw(4294967295L) >= 8, "the largest uniform maps to the far tail");
    }

    @Test
    void doubleWeightsAreTheIntegerWeights() {
        // reference: fill(int[]), the inversion the interval test below recomputes from
        PoissonWeights weights = new PoissonWeights(9);
        for (int replicates : new int[] {1, 2, 7, 200}) {
            int[] expected = new int[replicates];
            double[] actual = new double[replicates];
            for (long i = 0; i < 2000; i++) {
                long index = i * 7_919 + (i % 3 == 0 ? Long.MAX_VALUE / 3 : 0);
                weights.fill(index, expected);
                weights.fill(index, actual);
                for (int r = 0; r < replicates; r++) {
                    assertEquals(expected[r], actual[r], 0.0, "sample " + index + ", replicate " + r);
                }
            }
        }
        for (long slice = 0; slice < 4096; slice++) {
            long first = slice << 20;
            assertEquals(PoissonWeights.draw(first), PoissonWeights.drawDouble(first), 0.0, "u = " + first);
            assertEquals(PoissonWeights.draw(first + (1 << 20) - 1), PoissonWeights.drawDouble(first + (1 << 20) - 1),
                    0.0, "u = " + (first + (1 << 20) - 1));
        }
    }

    private static double sumOfInverseFactorials(int k) {
        double sum = 0;
        for (int j = 0; j <= k; j++) {
            sum += 1 / CombinatoricsUtils.factorialDouble(j);
        }
        return sum;
    }

    @Test
    void intervalsMatchNaiveWeightedRecomputation() {
        Predictions data = Predictions.random(31, 400, 5, 2.0, ConfidenceSpacing.ANY);
        int replicates = 40;
        long seed = 77;
        MetricsConfig config = new MetricsConfig(5, 10, List.of(1), replicates, seed);
        MetricsResult r = data.feed(new MetricsAccumulator(config), 33).result();

        // reference: per-replicate weighted accuracy and ECE recomputed from the kept samples, then
        // numpy-style linear percentiles; the weights themselves are checked by the test above
        int[][] weights = new int[data.n()][replicates];
        PoissonWeights generator = new PoissonWeights(seed);
        for (int i = 0; i < data.n(); i++) {
            generator.fill(i, weights[i]);
        }
        List<double[]> values = data.naive().bootstrapReplicates(weights, 10);
        double[] accuracies = values.stream().mapToDouble(v -> v[0]).toArray();
        double[] errors = values.stream().mapToDouble(v -> v[1]).toArray();

        BootstrapIntervals b = r.bootstrap();
        assertEquals(replicates, b.replicates());
        assertEquals(values.size(), b.replicatesUsed());
        assertEquals(0.95, b.confidenceLevel());
        assertEquals(r.accuracy(), b.accuracy().estimate());
        assertEquals(r.expectedCalibrationError(), b.expectedCalibrationError().estimate());
        double tolerance = 1e-12;
        assertEquals(NaiveMetrics.percentile(accuracies, 2.5), b.accuracy().lower(), tolerance);
        assertEquals(NaiveMetrics.percentile(accuracies, 97.5), b.accuracy().upper(), tolerance);
        assertEquals(NaiveMetrics.percentile(errors, 2.5), b.expectedCalibrationError().lower(), tolerance);
        assertEquals(NaiveMetrics.percentile(errors, 97.5), b.expectedCalibrationError().upper(), tolerance);
    }

    @Test
    void intervalsContainTheEstimateAndAreDeterministicForASeed() {
        // an over-confident model (labels drawn at temperature 3): ECE far above its noise floor
        Predictions data = Predictions.random(32, 5000, 10, 3.0, ConfidenceSpacing.ANY);
        MetricsConfig config = MetricsConfig.of(10).withBootstrap(200, 2024);

        BootstrapIntervals first = data.feed(new MetricsAccumulator(config), 500).result().bootstrap();
        BootstrapIntervals again = data.feed(new MetricsAccumulator(config), 128).result().bootstrap();
        BootstrapIntervals otherSeed = data.feed(new MetricsAccumulator(config.withBootstrap(200, 2025)), 500)
                .result().bootstrap();

        assertEquals(first, again);
        assertNotEquals(first.accuracy(), otherSeed.accuracy());
        for (ConfidenceInterval ci : List.of(first.accuracy(), first.expectedCalibrationError())) {
            assertTrue(ci.lower() <= ci.estimate() && ci.estimate() <= ci.upper(), ci.toString());
            assertTrue(ci.upper() - ci.lower() > 0, "a 5000-sample interval has positive width: " + ci);
        }
        // the accuracy interval's half-width is about 1.96 * sqrt(a(1-a)/N) (normal approximation)
        double a = first.accuracy().estimate();
        double normalWidth = 2 * 1.96 * Math.sqrt(a * (1 - a) / 5000);
        double width = first.accuracy().upper() - first.accuracy().lower();
        assertEquals(normalWidth, width, 0.25 * normalWidth, "bootstrap vs normal-approximation width");
    }

    @Test
    void oneSampleDropsReplicatesWithZeroWeight() {
        MetricsAccumulator accumulator = new MetricsAccumulator(new MetricsConfig(2, 15, List.of(1), 100, 3));
        accumulator.accept(new float[] {0.75f, 0.25f}, new int[] {0}, 1);

        BootstrapIntervals b = accumulator.result().bootstrap();

        // P(w = 0) = e^-1: about 37 of 100 replicates have no weight at all
        assertTrue(b.replicatesUsed() > 40 && b.replicatesUsed() < 90, "used " + b.replicatesUsed());
        assertEquals(new ConfidenceInterval(1.0, 1.0, 1.0), b.accuracy());
        assertEquals(0.25, b.expectedCalibrationError().lower(), 1e-15);
        assertEquals(0.25, b.expectedCalibrationError().upper(), 1e-15);
    }
}
