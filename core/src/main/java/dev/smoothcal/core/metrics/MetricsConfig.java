package dev.smoothcal.core.metrics;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import java.util.TreeSet;

/**
 * What a {@link MetricsAccumulator} measures. Immutable; validated on construction.
 *
 * <p>{@code topK} is normalised: every k above {@code numClasses} is clipped to {@code numClasses},
 * duplicates are dropped and the list is sorted, so {@code [1, 5]} with 2 classes becomes {@code [1, 2]}.
 *
 * @param numClasses K, the width of a probability row; in {@code [2, 10000]} (one class makes every
 *     prediction trivially right; the confusion matrix holds K² counters)
 * @param bins B, equal-width bins of the top-label and classwise ECE, and groups of the equal-mass ECE;
 *     in {@code [1, 1000]}
 * @param topK the k of each top-k accuracy, each at least 1; may be empty
 * @param bootstrapReplicates Poisson-bootstrap replicates for the 95% intervals; 0 turns the bootstrap
 *     off; at most 100000
 * @param seed seed of the bootstrap weights; results are a function of (seed, sample order) only
 *
 * <p>Serializable only to travel between the JVMs of one job (Spark executors to the driver, same
 * smoothcal version); the serialized form is not a stable exchange format (write results as JSON).
 *
 * @serial exclude
 */
public record MetricsConfig(int numClasses, int bins, List<Integer> topK, int bootstrapReplicates, long seed)
        implements java.io.Serializable {

    /** Largest accepted K. */
    public static final int MAX_CLASSES = 10_000;
    /** Largest accepted B. */
    public static final int MAX_BINS = 1_000;
    /** Largest accepted replicate count. */
    public static final int MAX_BOOTSTRAP_REPLICATES = 100_000;
    /** Bins of the calibration errors unless set otherwise: the usual choice in papers. */
    public static final int DEFAULT_BINS = 15;
    /** Replicates of the bootstrap unless set otherwise. */
    public static final int DEFAULT_BOOTSTRAP_REPLICATES = 200;

    /**
     * Checks every bound stated above and normalises {@code topK}.
     *
     * @param numClasses K, the width of a probability row; in {@code [2, 10000]} (one class makes every
     *     prediction trivially right; the confusion matrix holds K² counters)
     * @param bins B, equal-width bins of the top-label and classwise ECE, and groups of the equal-mass ECE;
     *     in {@code [1, 1000]}
     * @param topK the k of each top-k accuracy, each at least 1; may be empty
     * @param bootstrapReplicates Poisson-bootstrap replicates for the 95% intervals; 0 turns the bootstrap
     *     off; at most 100000
     * @param seed seed of the bootstrap weights; results are a function of (seed, sample order) only
     * @throws SmoothcalException naming the component out of range and the value found
     */
    public MetricsConfig {
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            throw new SmoothcalException("numClasses must be in [2, " + MAX_CLASSES + "], found " + numClasses);
        }
        if (bins < 1 || bins > MAX_BINS) {
            throw new SmoothcalException("bins must be in [1, " + MAX_BINS + "], found " + bins);
        }
        if (topK == null) {
            throw new SmoothcalException("topK must be a list (possibly empty), found null");
        }
        TreeSet<Integer> clipped = new TreeSet<>();
        for (Integer k : topK) {
            if (k == null || k < 1) {
                throw new SmoothcalException("every topK entry must be at least 1, found " + k + " in " + topK);
            }
            clipped.add(Math.min(k, numClasses));
        }
        topK = List.copyOf(clipped);
        if (bootstrapReplicates < 0 || bootstrapReplicates > MAX_BOOTSTRAP_REPLICATES) {
            throw new SmoothcalException("bootstrapReplicates must be in [0, " + MAX_BOOTSTRAP_REPLICATES
                    + "] (0 = off), found " + bootstrapReplicates);
        }
    }

    /**
     * Defaults for K classes: 15 bins, top-1 and top-5, 200 bootstrap replicates, seed 0.
     *
     * @param numClasses K, in {@code [2, 10000]}
     * @return the default configuration
     */
    public static MetricsConfig of(int numClasses) {
        return new MetricsConfig(numClasses, DEFAULT_BINS, List.of(1, 5), DEFAULT_BOOTSTRAP_REPLICATES, 0L);
    }

    /**
     * This configuration with B bins.
     *
     * @param newBins B, in {@code [1, 1000]}
     * @return a new configuration; this one is unchanged
     */
    public MetricsConfig withBins(int newBins) {
        return new MetricsConfig(numClasses, newBins, topK, bootstrapReplicates, seed);
    }

    /**
     * This configuration with these top-k values.
     *
     * @param newTopK the k values, each at least 1
     * @return a new configuration; this one is unchanged
     */
    public MetricsConfig withTopK(List<Integer> newTopK) {
        return new MetricsConfig(numClasses, bins, newTopK, bootstrapReplicates, seed);
    }

    /**
     * This configuration with {@code replicates} bootstrap replicates (0 = off) drawn from {@code newSeed}.
     *
     * @param replicates the replicate count, in {@code [0, 100000]}
     * @param newSeed the seed of the bootstrap weights
     * @return a new configuration; this one is unchanged
     */
    public MetricsConfig withBootstrap(int replicates, long newSeed) {
        return new MetricsConfig(numClasses, bins, topK, replicates, newSeed);
    }

    /**
     * This configuration without the bootstrap.
     *
     * @return a new configuration with 0 replicates
     */
    public MetricsConfig withoutBootstrap() {
        return withBootstrap(0, seed);
    }

    /** Whether bootstrap intervals are computed. */
    boolean bootstrapEnabled() {
        return bootstrapReplicates > 0;
    }
}
