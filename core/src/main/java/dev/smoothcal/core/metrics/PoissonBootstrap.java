package dev.smoothcal.core.metrics;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Streaming Poisson bootstrap of accuracy and equal-width top-label ECE. Replicate r gives sample i the
 * integer weight {@code w_ir ~ Poisson(1)} from {@link PoissonWeights}; per replicate and bin it keeps
 * the weight sum, the weighted hits and the weighted confidence, so memory is O(replicates * bins).
 *
 * <p>Replicate r: {@code W_r = sum_i w_ir}, {@code accuracy_r = sum_i w_ir ok_i / W_r},
 * {@code ECE_r = sum_b |sum_{i in b} w_ir (ok_i - c_i)| / W_r}; replicates with {@code W_r = 0} are
 * dropped. Interval: 2.5th and 97.5th percentiles of the replicate values, linear interpolation between
 * order statistics (Hyndman-Fan type 7, numpy's default).
 */
final class PoissonBootstrap implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    static final double CONFIDENCE_LEVEL = 0.95;
    private static final double LOWER_PERCENTILE = 2.5;
    private static final double UPPER_PERCENTILE = 97.5;

    private final int replicates;
    private final int bins;
    private final long seed;
    private final PoissonWeights weights;
    private final int[] sampleWeights;
    /**
     * Total weight per replicate: only the replicate's total enters accuracy and ECE, so it is not kept
     * per bin (one store less per sample and replicate).
     */
    private final long[] weightSums;
    /** Indexed {@code bin * replicates + replicate}, so one sample touches one contiguous run. */
    private final long[] hitWeights;
    private final double[] confidenceWeights;

    PoissonBootstrap(int replicates, int bins, long seed) {
        this.replicates = replicates;
        this.bins = bins;
        this.seed = seed;
        this.weights = new PoissonWeights(seed);
        this.sampleWeights = new int[replicates];
        this.weightSums = new long[replicates];
        this.hitWeights = new long[replicates * bins];
        this.confidenceWeights = new double[replicates * bins];
    }

    void add(long sampleIndex, int bin, double confidence, boolean hit) {
        weights.fill(sampleIndex, sampleWeights);
        int base = bin * replicates;
        int[] w = sampleWeights;
        long[] totals = weightSums;
        for (int r = 0; r < replicates; r++) {
            totals[r] += w[r];
        }
        double[] confidences = confidenceWeights;
        for (int r = 0; r < replicates; r++) {
            confidences[base + r] += w[r] * confidence;
        }
        if (hit) {
            for (int r = 0; r < replicates; r++) {
                hitWeights[base + r] += sampleWeights[r];
            }
        }
    }

    void combine(PoissonBootstrap other) {
        for (int r = 0; r < replicates; r++) {
            weightSums[r] += other.weightSums[r];
        }
        for (int i = 0; i < hitWeights.length; i++) {
            hitWeights[i] += other.hitWeights[i];
            confidenceWeights[i] += other.confidenceWeights[i];
        }
    }

    BootstrapIntervals intervals(double accuracy, double calibrationError) {
        double[] accuracies = new double[replicates];
        double[] errors = new double[replicates];
        int used = 0;
        for (int r = 0; r < replicates; r++) {
            long total = weightSums[r];
            long hits = 0;
            double gapSum = 0.0;
            for (int b = 0; b < bins; b++) {
                int i = b * replicates + r;
                hits += hitWeights[i];
                gapSum += Math.abs(hitWeights[i] - confidenceWeights[i]);
            }
            if (total > 0) {
                accuracies[used] = (double) hits / total;
                errors[used] = gapSum / total;
                used++;
            }
        }
        if (used == 0) {
            return new BootstrapIntervals(replicates, 0, seed, CONFIDENCE_LEVEL, null, null);
        }
        return new BootstrapIntervals(replicates, used, seed, CONFIDENCE_LEVEL,
                interval(accuracy, accuracies, used), interval(calibrationError, errors, used));
    }

    private static ConfidenceInterval interval(double estimate, double[] values, int count) {
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        percentile.setData(values, 0, count);
        return new ConfidenceInterval(estimate, percentile.evaluate(LOWER_PERCENTILE),
                percentile.evaluate(UPPER_PERCENTILE));
    }
}
