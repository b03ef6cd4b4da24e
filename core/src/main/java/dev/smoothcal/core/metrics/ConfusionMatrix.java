package dev.smoothcal.core.metrics;

import java.util.ArrayList;
import java.util.List;

/** K x K counts, row = true label, column = predicted class; the source of accuracy and per-class scores. */
final class ConfusionMatrix implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private final long[] counts;

    ConfusionMatrix(int numClasses) {
        this.numClasses = numClasses;
        this.counts = new long[numClasses * numClasses];
    }

    void add(int label, int predicted) {
        counts[label * numClasses + predicted]++;
    }

    void combine(ConfusionMatrix other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    long correct() {
        long sum = 0;
        for (int k = 0; k < numClasses; k++) {
            sum += counts[k * numClasses + k];
        }
        return sum;
    }

    ClassificationReport report(long total) {
        long[] support = new long[numClasses];
        long[] predicted = new long[numClasses];
        List<List<Long>> rows = new ArrayList<>(numClasses);
        for (int t = 0; t < numClasses; t++) {
            List<Long> row = new ArrayList<>(numClasses);
            for (int p = 0; p < numClasses; p++) {
                long c = counts[t * numClasses + p];
                row.add(c);
                support[t] += c;
                predicted[p] += c;
            }
            rows.add(row);
        }
        List<ClassScores> perClass = new ArrayList<>(numClasses);
        double[] macro = new double[3];
        double[] weighted = new double[3];
        for (int k = 0; k < numClasses; k++) {
            long tp = counts[k * numClasses + k];
            double precision = ratioOrZero(tp, predicted[k]);
            double recall = ratioOrZero(tp, support[k]);
            double f1 = precision + recall == 0.0 ? 0.0 : 2.0 * precision * recall / (precision + recall);
            perClass.add(new ClassScores(k, precision, recall, f1, support[k]));
            double[] scores = {precision, recall, f1};
            for (int s = 0; s < 3; s++) {
                macro[s] += scores[s] / numClasses;
                weighted[s] += scores[s] * support[k] / total;
            }
        }
        return new ClassificationReport(perClass,
                new AveragedScores(macro[0], macro[1], macro[2], total),
                new AveragedScores(weighted[0], weighted[1], weighted[2], total),
                rows);
    }

    private static double ratioOrZero(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
