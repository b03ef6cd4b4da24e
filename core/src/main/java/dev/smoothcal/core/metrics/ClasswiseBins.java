package dev.smoothcal.core.metrics;

/**
 * Classwise calibration (Kull et al. 2019): for every class k, equal-width bins (edges as in
 * {@link EqualWidthBins}) over the score {@code p_ik} with target {@code [y_i == k]}. Every sample
 * touches all K classes, so the score sum and the target count of a (class, bin) cell sit side by side in
 * one array, indexed {@code 2 * (k * B + b)}; targets are whole numbers, exact in a double up to 2^53.
 */
final class ClasswiseBins implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int bins;
    private final int numClasses;
    /** {@code [2i]}: sum of scores, {@code [2i + 1]}: count of targets, for cell {@code i = k * B + b}. */
    private final double[] cells;

    ClasswiseBins(int numClasses, int bins) {
        this.bins = bins;
        this.numClasses = numClasses;
        this.cells = new double[2 * numClasses * bins];
    }

    /** Adds the score of class k with target 1 if k is the label, else 0. */
    void add(int k, double score, int target) {
        int i = 2 * (k * bins + EqualWidthBins.index(score, bins));
        cells[i] += score;
        cells[i + 1] += target;
    }

    void combine(ClasswiseBins other) {
        for (int i = 0; i < cells.length; i++) {
            cells[i] += other.cells[i];
        }
    }

    /** {@code (1/K) sum_k sum_b |targets_kb - score_sum_kb| / N}. */
    double calibrationError(long total) {
        double sum = 0.0;
        for (int i = 0; i < cells.length; i += 2) {
            sum += Math.abs(cells[i + 1] - cells[i]);
        }
        return sum / total / numClasses;
    }
}
