package dev.smoothcal.core.metrics;

/**
 * 95% Poisson-bootstrap percentile intervals.
 *
 * <p>Percentile intervals of ECE are shifted upwards by ECE's own bias (noise in a bin always adds to
 * |accuracy - confidence|), so for a nearly calibrated model the interval can lie above the point
 * estimate.
 *
 * @param replicates replicates requested
 * @param replicatesUsed replicates with a positive total weight (the others are dropped; only tiny
 *     data sets lose any, since a replicate has total weight 0 with probability e^-N)
 * @param seed seed of the weights
 * @param confidenceLevel 0.95
 * @param accuracy accuracy interval; null when no replicate was used
 * @param expectedCalibrationError equal-width top-label ECE interval; null when no replicate was used
 */
public record BootstrapIntervals(int replicates, int replicatesUsed, long seed, double confidenceLevel,
        ConfidenceInterval accuracy, ConfidenceInterval expectedCalibrationError) {
}
