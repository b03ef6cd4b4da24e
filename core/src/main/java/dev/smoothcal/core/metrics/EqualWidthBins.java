package dev.smoothcal.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Equal-width bins over [0, 1] holding, per bin, the sample count, the sum of the binned score and the
 * count of hits. Bin b covers {@code (b/B, (b+1)/B]}; bin 0 also holds 0, so 1 lands in bin B-1.
 */
final class EqualWidthBins implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] counts;
    private final double[] scoreSums;
    private final long[] hits;

    EqualWidthBins(int bins) {
        counts = new long[bins];
        scoreSums = new double[bins];
        hits = new long[bins];
    }

    /**
     * The bin of {@code value} in {@code [0, 1]}: {@code ceil(value * bins) - 1}, and 0 for 0. The product
     * is rounded to double first, so at an edge that double cannot hold (such as 1/15) the assignment
     * follows the rounded product.
     */
    static int index(double value, int bins) {
        int b = (int) Math.ceil(value * bins) - 1;
        return b < 0 ? 0 : Math.min(b, bins - 1);
    }

    /** Adds a score to bin {@code bin} with its hit (1) or miss (0). */
    void addAt(int bin, double score, int hit) {
        counts[bin]++;
        scoreSums[bin] += score;
        hits[bin] += hit;
    }

    void combine(EqualWidthBins other) {
        for (int b = 0; b < counts.length; b++) {
            counts[b] += other.counts[b];
            scoreSums[b] += other.scoreSums[b];
            hits[b] += other.hits[b];
        }
    }

    /** {@code sum_b (n_b/N) |hits_b/n_b - mean_score_b| = sum_b |hits_b - score_sum_b| / N}. */
    double calibrationError(long total) {
        double sum = 0.0;
        for (int b = 0; b < counts.length; b++) {
            sum += Math.abs(hits[b] - scoreSums[b]);
        }
        return sum / total;
    }

    /** {@code sqrt(sum_b (n_b/N) (hits_b/n_b - mean_score_b)^2)} over non-empty bins. */
    double calibrationErrorL2(long total) {
        double sum = 0.0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0) {
                double gap = hits[b] - scoreSums[b];
                sum += gap * gap / counts[b];
            }
        }
        return Math.sqrt(sum / total);
    }

    /**
     * Kumar et al. (2019)'s debiased estimate of the squared L2 error, square-rooted:
     * {@code sqrt(max(0, sum_{b : n_b >= 2} (n_b/N) [(acc_b - conf_b)^2 - acc_b (1 - acc_b) / (n_b - 1)]))};
     * bins of fewer than 2 samples contribute 0, as in their code.
     */
    double debiasedCalibrationErrorL2(long total) {
        double sum = 0.0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] >= 2) {
                double n = counts[b];
                double accuracy = hits[b] / n;
                double gap = accuracy - scoreSums[b] / n;
                sum += n / total * (gap * gap - accuracy * (1 - accuracy) / (n - 1));
            }
        }
        return Math.sqrt(Math.max(0.0, sum));
    }

    /** Largest {@code |hits_b/n_b - mean_score_b|} over non-empty bins; 0 when all are empty. */
    double maximumCalibrationError() {
        double max = 0.0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0) {
                max = Math.max(max, Math.abs((double) hits[b] / counts[b] - scoreSums[b] / counts[b]));
            }
        }
        return max;
    }

    List<ReliabilityBin> reliability() {
        int bins = counts.length;
        List<ReliabilityBin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            out.add(ReliabilityBin.of((double) b / bins, (double) (b + 1) / bins, counts[b], scoreSums[b], hits[b]));
        }
        return out;
    }
}
