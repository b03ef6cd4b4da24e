package dev.smoothcal.core.metrics;

/**
 * Precision, recall and F1 averaged over all K classes (classes absent from the data included,
 * as scikit-learn does with {@code labels=range(K)}).
 *
 * @param precision the averaged precision
 * @param recall the averaged recall
 * @param f1 the averaged F1 (an average of per-class F1, not the F1 of the averages)
 * @param support total samples
 */
public record AveragedScores(double precision, double recall, double f1, long support) {
}
