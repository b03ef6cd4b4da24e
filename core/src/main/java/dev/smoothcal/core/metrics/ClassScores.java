package dev.smoothcal.core.metrics;

/**
 * Precision, recall and F1 of one class, as in scikit-learn's {@code classification_report}.
 *
 * <p>{@code precision = tp / (tp + fp)}, {@code recall = tp / (tp + fn)},
 * {@code f1 = 2 * precision * recall / (precision + recall)}; each is 0 where its denominator is 0
 * (a class never predicted has precision 0; a class never present has recall 0).
 *
 * @param classIndex the class, in {@code [0, K)}
 * @param precision share of the samples predicted as this class that are this class
 * @param recall share of the samples of this class predicted as it
 * @param f1 harmonic mean of precision and recall
 * @param support samples whose label is this class
 */
public record ClassScores(int classIndex, double precision, double recall, double f1, long support) {
}
