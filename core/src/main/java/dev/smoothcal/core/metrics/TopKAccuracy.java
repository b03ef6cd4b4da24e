package dev.smoothcal.core.metrics;

/**
 * Share of samples whose label is among the k most probable classes. Ties count in the label's
 * favour: the label is in the top k when fewer than k classes have a strictly greater probability.
 *
 * @param k the k, in {@code [1, K]}
 * @param accuracy the share, in {@code [0, 1]}
 */
public record TopKAccuracy(int k, double accuracy) {
}
