package dev.smoothcal.core.metrics;

/**
 * Classwise calibration (Kull et al. 2019): for every class k, equal-width bins (edges as in
 * {@link EqualWidthBins}) over the score {@code p_ik} with target {@code [y_i == k]}. Cell
 * {@code k * B + b} holds the sum of the scores in it and the count of its targets. Every sample adds its
 * K scores, but only its label's cell gets a target, so the two live in separate arrays: the score loop
 * of {@link MetricsAccumulator} writes into {@link #scoreSums} directly.
 */
final class ClasswiseBins implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    private final int numClasses;
    /** Sum of scores of cell {@code k * B + b}. */
    private final double[] scoreSums;
    /** Count of targets (samples of label k) of cell {@code k * B + b}. */
    private final long[] targets;
    private final int bins;

    ClasswiseBins(int numClasses, int bins) {
        this.bins = bins;
        this.numClasses = numClasses;
        this.scoreSums = new double[numClasses * bins];
        this.targets = new long[numClasses * bins];
    }

    /** The score sums, indexed {@code k * B + b}, for the accumulator's row loop to add into. */
    double[] scoreSums() {
        return scoreSums;
    }

    /** Counts a target for class {@code label} in bin {@code bin} (the bin of the label's score). */
    void addTarget(int label, int bin) {
        targets[label * bins + bin]++;
    }

    void combine(ClasswiseBins other) {
        for (int i = 0; i < scoreSums.length; i++) {
            scoreSums[i] += other.scoreSums[i];
            targets[i] += other.targets[i];
        }
    }

    /** {@code (1/K) sum_k sum_b |targets_kb - score_sum_kb| / N}. */
    double calibrationError(long total) {
        double sum = 0.0;
        for (int i = 0; i < scoreSums.length; i++) {
            sum += Math.abs(targets[i] - scoreSums[i]);
        }
        return sum / total / numClasses;
    }
}
