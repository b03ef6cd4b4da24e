package dev.smoothcal.core.metrics;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;

/**
 * Streaming Poisson-bootstrap replicate values of several metrics of one model, kept (not only their
 * percentiles) so that two models evaluated on the same data can be compared replicate by replicate.
 *
 * <p>Replicate r gives the sample of global index i the weight {@code w_ir ~ Poisson(1)} of
 * {@link MetricsAccumulator}'s bootstrap: the same (seed, index) stream, so for the same configuration
 * and data the accuracy and ECE replicates, and so their intervals, are those of
 * {@link MetricsResult#bootstrap()}. The weights depend on (seed, index, r) only, not on the model:
 * two models fed the same samples under the same indices get the same weights, and
 * {@code value_r(A) - value_r(B)} is a paired bootstrap replicate of the difference of a metric.
 *
 * <p>With {@code W_r = sum_i w_ir} and the definitions of {@link MetricsAccumulator} (confidence
 * {@code c_i}, hit {@code ok_i}, equal-width bins b of {@code c_i}, per class k bins of {@code p_ik}):
 * <ul>
 *   <li>accuracy {@code sum_i w_ir ok_i / W_r};</li>
 *   <li>NLL {@code sum_i w_ir (-ln max(p_iy, 1e-12)) / W_r}; Brier {@code sum_i w_ir sum_k (p_ik - [k = y_i])^2 / W_r};</li>
 *   <li>ECE {@code sum_b |sum_{i in b} w_ir (ok_i - c_i)| / W_r};</li>
 *   <li>MCE {@code max_b |sum_{i in b} w_ir (ok_i - c_i)| / sum_{i in b} w_ir} over bins of positive weight;</li>
 *   <li>classwise ECE {@code (1/K) sum_k sum_b |sum_{i : p_ik in b} w_ir ([y_i = k] - p_ik)| / W_r}.</li>
 * </ul>
 * That is each metric of the data set in which sample i occurs {@code w_ir} times. Replicates with
 * {@code W_r = 0} are dropped (the same ones for every model on the same data). Equal-mass ECE has no
 * replicates: its groups are quantiles of the data, which do not stream per replicate.
 *
 * <p>Memory O(R (B K + B)) for R replicates, B bins and K classes; time O(R K) per sample (the
 * classwise cells), K times the cost of {@link MetricsAccumulator}'s bootstrap. Not thread-safe; shards
 * combine with {@link #combine}.
 */
public final class BootstrapReplicates {
    /** The confidence level of {@link #interval}: 0.95. */
    public static final double CONFIDENCE_LEVEL = PoissonBootstrap.CONFIDENCE_LEVEL;

    /** The metrics with replicate values. */
    public enum Metric {
        /** Top-1 accuracy. */
        ACCURACY,
        /** Mean negative log-likelihood. */
        NLL,
        /** Multi-class Brier score. */
        BRIER,
        /** Equal-width top-label ECE. */
        ECE,
        /** Maximum calibration error over the bins of positive weight. */
        MCE,
        /** Classwise ECE. */
        CLASSWISE_ECE
    }

    private final MetricsConfig config;
    private final int replicates;
    private final int bins;
    private final int numClasses;
    private final PoissonWeights weights;
    private final int[] sampleWeights;
    private long count;
    private final long[] totals;
    private final long[] hits;
    private final double[] nll;
    private final double[] brier;
    /** Indexed {@code bin * R + r}. */
    private final long[] binWeights;
    private final long[] binHits;
    private final double[] binConfidence;
    /** {@code sum w ([y = k] - p_k)}, indexed {@code (k * B + bin) * R + r}. */
    private final double[] classwise;

    /**
     * An empty accumulator.
     *
     * @param config K, B, the replicate count (at least 1) and the seed; top-k is ignored
     * @throws SmoothcalException naming {@code bootstrapReplicates} when it is 0
     */
    public BootstrapReplicates(MetricsConfig config) {
        if (config == null) {
            throw new SmoothcalException("metrics config must be given, found null");
        }
        if (!config.bootstrapEnabled()) {
            throw SmoothcalException.invalid("bootstrapReplicates", "must be at least 1 for bootstrap replicates, "
                    + "found 0");
        }
        this.config = config;
        this.replicates = config.bootstrapReplicates();
        this.bins = config.bins();
        this.numClasses = config.numClasses();
        this.weights = new PoissonWeights(config.seed());
        this.sampleWeights = new int[replicates];
        this.totals = new long[replicates];
        this.hits = new long[replicates];
        this.nll = new double[replicates];
        this.brier = new double[replicates];
        this.binWeights = new long[bins * replicates];
        this.binHits = new long[bins * replicates];
        this.binConfidence = new double[bins * replicates];
        this.classwise = new double[numClasses * bins * replicates];
    }

    /**
     * The configuration given at construction.
     *
     * @return the configuration
     */
    public MetricsConfig config() {
        return config;
    }

    /**
     * Samples accepted so far, combined shards included.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * Adds {@code n} rows whose global indices are {@code firstIndex, firstIndex + 1, ...}. Rows are not
     * validated here: feed the rows a {@link MetricsAccumulator} accepted.
     *
     * @param firstIndex global index of the first row (its position in the data set), at least 0
     * @param probabilities row-major {@code [n, K]} (or longer)
     * @param labels the rows' labels, {@code labels[0]} for the first row (or longer)
     * @param n rows, at least 0
     * @throws SmoothcalException when the arrays are shorter than {@code n} rows or a label is out of range
     */
    public void accept(long firstIndex, float[] probabilities, int[] labels, int n) {
        if (firstIndex < 0 || n < 0 || probabilities == null || labels == null
                || probabilities.length < (long) n * numClasses || labels.length < n) {
            throw new SmoothcalException("expected a first index >= 0 and at least n = " + n + " rows of K = "
                    + numClasses + " probabilities and n labels, found index " + firstIndex + ", "
                    + (probabilities == null ? "no" : probabilities.length) + " probabilities, "
                    + (labels == null ? "no" : labels.length) + " labels");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new SmoothcalException("sample " + (firstIndex + i) + ": expected a label in [0, " + numClasses
                        + "), found " + labels[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            acceptRow(firstIndex + i, probabilities, i * numClasses, labels[i]);
        }
        count += n;
    }

    private void acceptRow(long index, float[] p, int offset, int label) {
        weights.fill(index, sampleWeights);
        int predicted = 0;
        double confidence = p[offset];
        double squared = 0;
        for (int k = 0; k < numClasses; k++) {
            double pk = p[offset + k];
            if (pk > confidence) {
                confidence = pk;
                predicted = k;
            }
            double target = k == label ? 1.0 : 0.0;
            squared += (pk - target) * (pk - target);
            int cell = (k * bins + EqualWidthBins.index(pk, bins)) * replicates;
            double residual = target - pk;
            for (int r = 0; r < replicates; r++) {
                classwise[cell + r] += sampleWeights[r] * residual;
            }
        }
        boolean hit = predicted == label;
        double logLoss = -Math.log(Math.max(p[offset + label], MetricsAccumulator.NLL_EPSILON));
        int base = EqualWidthBins.index(confidence, bins) * replicates;
        for (int r = 0; r < replicates; r++) {
            int w = sampleWeights[r];
            totals[r] += w;
            nll[r] += w * logLoss;
            brier[r] += w * squared;
            binWeights[base + r] += w;
            binConfidence[base + r] += w * confidence;
            if (hit) {
                hits[r] += w;
                binHits[base + r] += w;
            }
        }
    }

    /**
     * Adds everything {@code other} accepted (samples of other indices: another shard).
     *
     * @param other an accumulator of the same configuration, not this one
     * @return this accumulator
     * @throws SmoothcalException when the configurations differ or {@code other} is this accumulator
     */
    public BootstrapReplicates combine(BootstrapReplicates other) {
        if (other == this || !config.equals(other.config)) {
            throw new SmoothcalException("can combine only bootstrap replicates of another shard with the same "
                    + "configuration: expected " + config + ", found " + (other == this ? "the same accumulator"
                    : other.config));
        }
        count += other.count;
        add(totals, other.totals);
        add(hits, other.hits);
        add(nll, other.nll);
        add(brier, other.brier);
        add(binWeights, other.binWeights);
        add(binHits, other.binHits);
        add(binConfidence, other.binConfidence);
        add(classwise, other.classwise);
        return this;
    }

    /**
     * The replicates kept: those of positive total weight.
     *
     * @return at most the replicate count
     */
    public int replicatesUsed() {
        int used = 0;
        for (long t : totals) {
            used += t > 0 ? 1 : 0;
        }
        return used;
    }

    /**
     * The value of {@code metric} in every replicate kept, in replicate order.
     *
     * @param metric which metric
     * @return {@link #replicatesUsed()} values
     */
    public double[] values(Metric metric) {
        double[] out = new double[replicates];
        int used = 0;
        for (int r = 0; r < replicates; r++) {
            if (totals[r] > 0) {
                out[used++] = value(metric, r);
            }
        }
        return Arrays.copyOf(out, used);
    }

    private double value(Metric metric, int r) {
        double total = totals[r];
        return switch (metric) {
            case ACCURACY -> hits[r] / total;
            case NLL -> nll[r] / total;
            case BRIER -> brier[r] / total;
            case ECE -> {
                double sum = 0;
                for (int b = 0; b < bins; b++) {
                    sum += Math.abs(binHits[b * replicates + r] - binConfidence[b * replicates + r]);
                }
                yield sum / total;
            }
            case MCE -> {
                double max = 0;
                for (int b = 0; b < bins; b++) {
                    int i = b * replicates + r;
                    if (binWeights[i] > 0) {
                        max = Math.max(max, Math.abs(binHits[i] - binConfidence[i]) / binWeights[i]);
                    }
                }
                yield max;
            }
            case CLASSWISE_ECE -> {
                double sum = 0;
                for (int cell = 0; cell < numClasses * bins; cell++) {
                    sum += Math.abs(classwise[cell * replicates + r]);
                }
                yield sum / total / numClasses;
            }
        };
    }

    /**
     * The 95% percentile interval of replicate values around an estimate, as {@link MetricsAccumulator}'s
     * bootstrap computes it: 2.5th and 97.5th percentiles, linear interpolation between order statistics
     * (Hyndman-Fan type 7, numpy's default).
     *
     * @param estimate the metric on all samples
     * @param values replicate values, at least one
     * @return the interval
     * @throws SmoothcalException when {@code values} is empty
     */
    public static ConfidenceInterval interval(double estimate, double[] values) {
        if (values == null || values.length == 0) {
            throw new SmoothcalException("a bootstrap interval needs at least one replicate value, found none");
        }
        return PoissonBootstrap.interval(estimate, values, values.length);
    }

    private static void add(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    private static void add(double[] into, double[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }
}
