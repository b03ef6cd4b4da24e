package dev.smoothcal.core.metrics;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Streaming Poisson bootstrap of accuracy and equal-width top-label ECE. Replicate r gives sample i the
 * integer weight {@code w_ir ~ Poisson(1)} from {@link PoissonWeights}; per replicate it keeps the
 * weight sum, and per replicate and bin the weighted hits and the weighted confidence, so memory is
 * O(replicates * bins). Every sum is held in a double; sums of weights and of weighted hits are whole
 * numbers and so exact (below 2^53), sums of weighted confidences are added in sample order as before.
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
    /**
     * Total weight per replicate: only the replicate's total enters accuracy and ECE, so it is not kept
     * per bin. Weights are whole numbers, and so are all the weight sums here: exact in a double up to
     * 2^53, and doubles keep every per-sample loop free of conversions, which the JIT does not vectorise.
     */
    private final double[] totals;
    /** {@code hitWeights[b][r]}: weighted hits of bin b in replicate r; one array per bin, so a sample's loop has no offset. */
    private final double[][] hitWeights;
    /** {@code confidenceWeights[b][r]}: weighted confidences of bin b in replicate r. */
    private final double[][] confidenceWeights;
    /** One sample's weights; scratch, rebuilt after deserialisation. */
    private transient double[] sampleWeights;

    PoissonBootstrap(int replicates, int bins, long seed) {
        this.replicates = replicates;
        this.bins = bins;
        this.seed = seed;
        this.weights = new PoissonWeights(seed);
        this.totals = new double[replicates];
        this.hitWeights = new double[bins][replicates];
        this.confidenceWeights = new double[bins][replicates];
    }

    void add(long sampleIndex, int bin, double confidence, boolean hit) {
        if (sampleWeights == null) {
            sampleWeights = new double[replicates];
        }
        double[] w = sampleWeights;
        weights.fill(sampleIndex, w);
        double[] total = totals;
        for (int r = 0; r < w.length; r++) {
            total[r] += w[r];
        }
        double[] confidences = confidenceWeights[bin];
        for (int r = 0; r < w.length; r++) {
            confidences[r] += w[r] * confidence;
        }
        if (hit) {
            double[] hits = hitWeights[bin];
            for (int r = 0; r < w.length; r++) {
                hits[r] += w[r];
            }
        }
    }

    void combine(PoissonBootstrap other) {
        for (int r = 0; r < replicates; r++) {
            totals[r] += other.totals[r];
        }
        for (int b = 0; b < bins; b++) {
            for (int r = 0; r < replicates; r++) {
                hitWeights[b][r] += other.hitWeights[b][r];
                confidenceWeights[b][r] += other.confidenceWeights[b][r];
            }
        }
    }

    BootstrapIntervals intervals(double accuracy, double calibrationError) {
        double[] accuracies = new double[replicates];
        double[] errors = new double[replicates];
        int used = 0;
        for (int r = 0; r < replicates; r++) {
            double total = totals[r];
            double hits = 0;
            double gapSum = 0.0;
            for (int b = 0; b < bins; b++) {
                hits += hitWeights[b][r];
                gapSum += Math.abs(hitWeights[b][r] - confidenceWeights[b][r]);
            }
            if (total > 0) {
                accuracies[used] = hits / total;
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

    static ConfidenceInterval interval(double estimate, double[] values, int count) {
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        percentile.setData(values, 0, count);
        return new ConfidenceInterval(estimate, percentile.evaluate(LOWER_PERCENTILE),
                percentile.evaluate(UPPER_PERCENTILE));
    }
}
