package dev.smoothcal.core.metrics;

/**
 * A point estimate with a bootstrap percentile interval.
 *
 * @param estimate the metric on all samples (not the bootstrap mean)
 * @param lower the 2.5th percentile of the replicate values
 * @param upper the 97.5th percentile of the replicate values
 */
public record ConfidenceInterval(double estimate, double lower, double upper) {
}
