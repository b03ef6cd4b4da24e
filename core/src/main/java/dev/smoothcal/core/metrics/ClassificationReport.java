package dev.smoothcal.core.metrics;

import java.util.List;

/**
 * Per-class scores, their averages and the confusion matrix.
 *
 * @param perClass scores of classes {@code 0 .. K-1}, in order
 * @param macroAverage unweighted mean over the K classes
 * @param weightedAverage mean over the K classes weighted by support
 * @param confusionMatrix K rows (true label) of K columns (predicted class = arg-max, lowest index on ties)
 */
public record ClassificationReport(List<ClassScores> perClass, AveragedScores macroAverage,
        AveragedScores weightedAverage, List<List<Long>> confusionMatrix) {

    /**
     * Copies the lists, so the report is immutable.
     *
     * @param perClass scores of classes {@code 0 .. K-1}, in order
     * @param macroAverage unweighted mean over the K classes
     * @param weightedAverage mean over the K classes weighted by support
     * @param confusionMatrix K rows (true label) of K columns (predicted class = arg-max, lowest index on ties)
     */
    public ClassificationReport {
        perClass = List.copyOf(perClass);
        confusionMatrix = confusionMatrix.stream().map(List::copyOf).toList();
    }
}
