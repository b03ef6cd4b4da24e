package dev.smoothcal.core.metrics;

/**
 * One bin of a reliability diagram over top-label confidence.
 *
 * <p>An empty bin (count 0) keeps its edges and has {@code null} mean confidence, accuracy and gap
 * (JSON {@code null}, never NaN); it does not take part in ECE or MCE.
 *
 * @param lower lower edge (exclusive, except 0 for the first bin)
 * @param upper upper edge (inclusive)
 * @param count samples whose confidence fell in the bin
 * @param meanConfidence mean top-label confidence of those samples, or null when empty
 * @param accuracy share of those samples whose arg-max is the label, or null when empty
 * @param gap {@code meanConfidence - accuracy}: positive means over-confident; null when empty
 */
public record ReliabilityBin(double lower, double upper, long count, Double meanConfidence, Double accuracy,
        Double gap) {

    static ReliabilityBin of(double lower, double upper, long count, double confidenceSum, double correct) {
        if (count == 0) {
            return new ReliabilityBin(lower, upper, 0, null, null, null);
        }
        double meanConfidence = confidenceSum / count;
        double accuracy = correct / count;
        return new ReliabilityBin(lower, upper, count, meanConfidence, accuracy, meanConfidence - accuracy);
    }
}
