package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The L2, max-norm, debiased L2 and smooth calibration errors against a naive recomputation over the
 * samples (written here from the formulas, not from the accumulator's sums), and the smooth ECE against
 * closed forms.
 */
class CalibrationErrorsTest {

    @Test
    void binnedNormsAndTheDebiasedEstimatorMatchANaiveRecomputation() {
        Predictions data = Predictions.random(31, 3000, 10, 1.5, ConfidenceSpacing.DISTINCT_MICRO_BINS);
        MetricsConfig config = MetricsConfig.of(10).withoutBootstrap();
        MetricsResult r = data.feed(new MetricsAccumulator(config), 256).result();
        NaiveMetrics naive = data.naive();
        int bins = config.bins();
        double squared = 0;
        double debiased = 0;
        double max = 0;
        for (int b = 0; b < bins; b++) {
            double[] s = naive.topLabelBin(b, bins);
            if (s[0] > 0) {
                double gap = s[2] - s[1];
                squared += s[0] / naive.n * gap * gap;
                max = Math.max(max, Math.abs(gap));
            }
            if (s[0] >= 2) {
                debiased += s[0] / naive.n * (gap(s) * gap(s) - s[2] * (1 - s[2]) / (s[0] - 1));
            }
        }
        assertEquals(Math.sqrt(squared), r.calibrationErrorL2(), 1e-12);
        assertEquals(r.calibrationErrorL2(), r.calibrationError(CalibrationNorm.L2), 0.0);
        assertEquals(max, r.calibrationError(CalibrationNorm.MAX), 1e-12);
        assertEquals(r.expectedCalibrationError(), r.calibrationError(CalibrationNorm.L1), 0.0);
        assertEquals(Math.sqrt(Math.max(0, debiased)), r.debiasedCalibrationErrorL2(), 1e-12);
        assertTrue(r.debiasedCalibrationErrorL2() < r.calibrationErrorL2(), "the correction lowers the estimate");
    }

    private static double gap(double[] bin) {
        return bin[2] - bin[1];
    }

    @Test
    void smoothEceAtAFixedBandwidthMatchesTheExactKernelIntegral() {
        Predictions data = Predictions.random(32, 800, 5, 1.0, ConfidenceSpacing.ANY);
        NaiveMetrics naive = data.naive();
        SmoothCalibrationGrid grid = new SmoothCalibrationGrid();
        int[] used = new int[SmoothCalibrationGrid.POINTS];
        for (int i = 0; i < naive.n; i++) {
            grid.add(naive.confidence(i), naive.correct(i) ? 1 : 0);
        }
        for (int g = 0; g < used.length; g++) {
            used[g] = g;
        }
        for (double sigma : List.of(0.03, 0.1, 0.4)) {
            // Exact: ĥ(t) = (1/N) sum_i (c_i - ok_i) K(t, c_i), reflected Gaussian, on a fine grid (Simpson).
            int points = 4001;
            double integral = 0;
            for (int j = 0; j < points; j++) {
                double t = (double) j / (points - 1);
                double h = 0;
                for (int i = 0; i < naive.n; i++) {
                    double c = naive.confidence(i);
                    h += (c - (naive.correct(i) ? 1 : 0)) * reflected(t, c, sigma);
                }
                double w = j == 0 || j == points - 1 ? 1 : (j % 2 == 1 ? 4 : 2);
                integral += w * Math.abs(h / naive.n);
            }
            integral /= 3.0 * (points - 1);
            double streamed = grid.smooth(sigma, used, naive.n);
            // The grid splits each residual linearly between points 1/1024 apart: relative error ~ (h/σ)².
            assertEquals(integral, streamed, 2e-3 * integral, "σ = " + sigma);
        }
    }

    @Test
    void residualsOfOneSignGiveTheirMeanAtEveryBandwidthAndSoAtTheFixedPoint() {
        // Every prediction wrong: r_i = c_i > 0, no cancellation, and the kernel is a density on [0, 1].
        MetricsAccumulator a = new MetricsAccumulator(new MetricsConfig(2, 10, List.of(1), 0, 0));
        double[] p = {0.9, 0.1, 0.7, 0.3, 0.55, 0.45, 0.35, 0.65};
        a.accept(p, new int[] {1, 1, 1, 0}, 4);
        double meanConfidence = (0.9 + 0.7 + 0.55 + 0.65) / 4;
        MetricsResult r = a.result();
        assertEquals(meanConfidence, r.smoothCalibrationError(), 1e-6);
        assertEquals(meanConfidence, r.smoothCalibrationBandwidth(), 1e-5, "σ* = smECE(σ*)");
    }

    @Test
    void theBandwidthIsTheFixedPoint() {
        Predictions data = Predictions.random(33, 5000, 10, 1.5, ConfidenceSpacing.ANY);
        MetricsResult r = data.feed(new MetricsAccumulator(MetricsConfig.of(10).withoutBootstrap()), 500).result();
        assertTrue(r.smoothCalibrationBandwidth() > 0.001 && r.smoothCalibrationBandwidth() < 1);
        assertEquals(r.smoothCalibrationBandwidth(), r.smoothCalibrationError(), 1e-4, "smECE(σ*) = σ*");
    }

    @Test
    void logitsGoThroughSoftmax() {
        float[] z = {2f, 0f, -1f, 0.5f, 0.5f, 3f};
        MetricsConfig config = new MetricsConfig(3, 5, List.of(1), 0, 0);
        MetricsAccumulator fromLogits = new MetricsAccumulator(config);
        fromLogits.acceptLogits(z, new int[] {0, 2}, 2);
        MetricsAccumulator fromProbabilities = new MetricsAccumulator(config);
        fromProbabilities.accept(Softmax.probabilities(z, 2, 3), new int[] {0, 2}, 2);
        assertEquals(fromProbabilities.result(), fromLogits.result());

        // many rows (several internal chunks of pending rows) and the bootstrap: still bit for bit
        java.util.Random random = new java.util.Random(3);
        int n = 700;
        float[] many = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < many.length; i++) {
            many[i] = (float) (3 * random.nextGaussian());
        }
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(4);
        }
        MetricsConfig withBootstrap = MetricsConfig.of(4).withBootstrap(25, 8);
        MetricsAccumulator manyLogits = new MetricsAccumulator(withBootstrap);
        manyLogits.acceptLogits(many, labels, n);
        MetricsAccumulator manyProbabilities = new MetricsAccumulator(withBootstrap);
        manyProbabilities.accept(Softmax.probabilities(many, n, 4), labels, n);
        assertEquals(manyProbabilities.result(), manyLogits.result());
    }

    private static double reflected(double t, double s, double sigma) {
        double k = 0;
        for (int m = -3; m <= 3; m++) {
            k += phi(t - s - 2 * m, sigma) + phi(t + s - 2 * m, sigma);
        }
        return k;
    }

    private static double phi(double x, double sigma) {
        return Math.exp(-0.5 * x * x / (sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
    }
}
