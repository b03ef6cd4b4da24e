package dev.smoothcal.evaluator.metrics;

/**
 * Classwise calibration (Kull et al. 2019): for every class k, equal-width bins (edges as in
 * {@link EqualWidthBins}) over the score {@code p_ik} with target {@code [y_i == k]}. Flat arrays indexed
 * {@code k * B + b}, because every sample touches all K classes.
 */
final class ClasswiseBins {
    private final int bins;
    private final long[] counts;
    private final double[] scoreSums;
    private final long[] targets;

    ClasswiseBins(int numClasses, int bins) {
        this.bins = bins;
        this.counts = new long[numClasses * bins];
        this.scoreSums = new double[numClasses * bins];
        this.targets = new long[numClasses * bins];
    }

    /** Adds the score of class k; the caller adds the label's target with {@link #addTarget}. */
    void add(int k, double score) {
        int i = k * bins + EqualWidthBins.index(score, bins);
        counts[i]++;
        scoreSums[i] += score;
    }

    void addTarget(int k, double score) {
        targets[k * bins + EqualWidthBins.index(score, bins)]++;
    }

    void combine(ClasswiseBins other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
            scoreSums[i] += other.scoreSums[i];
            targets[i] += other.targets[i];
        }
    }

    /** {@code (1/K) sum_k sum_b |targets_kb - score_sum_kb| / N}. */
    double calibrationError(long total) {
        double sum = 0.0;
        for (int i = 0; i < counts.length; i++) {
            sum += Math.abs(targets[i] - scoreSums[i]);
        }
        return sum / total / (counts.length / bins);
    }
}
