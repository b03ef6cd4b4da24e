package dev.smoothcal.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Straightforward in-memory reference versions of every metric, written from the definitions and on
 * purpose unlike the production algorithms: they keep all samples, loop over bin edges instead of
 * computing bin indices, sort instead of histogramming, and count tp/fp/fn per class directly.
 */
final class NaiveMetrics {
    final double[][] p;
    final int[] y;
    final int n;
    final int k;

    NaiveMetrics(double[][] p, int[] y) {
        this.p = p;
        this.y = y;
        this.n = p.length;
        this.k = p[0].length;
    }

    static NaiveMetrics ofFloats(float[] flat, int[] labels, int numClasses) {
        int n = labels.length;
        double[][] p = new double[n][numClasses];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < numClasses; j++) {
                p[i][j] = flat[i * numClasses + j];
            }
        }
        return new NaiveMetrics(p, labels.clone());
    }

    /** Arg-max scanning from the last class with {@code >=}, so the lowest index wins ties. */
    int predicted(int i) {
        int best = k - 1;
        for (int j = k - 2; j >= 0; j--) {
            if (p[i][j] >= p[i][best]) {
                best = j;
            }
        }
        return best;
    }

    double confidence(int i) {
        return Arrays.stream(p[i]).max().orElseThrow();
    }

    boolean correct(int i) {
        return predicted(i) == y[i];
    }

    double accuracy() {
        double hits = 0;
        for (int i = 0; i < n; i++) {
            hits += correct(i) ? 1 : 0;
        }
        return hits / n;
    }

    /** Sorts classes by descending probability, the label first among equals; in the top k if its position is below k. */
    double topK(int topK) {
        double hits = 0;
        for (int i = 0; i < n; i++) {
            final int row = i;
            Integer[] order = new Integer[k];
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> -p[row][j])
                    .thenComparing(j -> j == y[row] ? 0 : 1));
            int position = Arrays.asList(order).indexOf(y[i]);
            hits += position < topK ? 1 : 0;
        }
        return hits / n;
    }

    double nll() {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += -Math.log(Math.max(p[i][y[i]], 1e-12));
        }
        return sum / n;
    }

    /** Expanded form {@code 1 - 2 p_y + sum_k p_k^2}. */
    double brier() {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double squares = 0;
            for (double v : p[i]) {
                squares += v * v;
            }
            sum += 1 - 2 * p[i][y[i]] + squares;
        }
        return sum / n;
    }

    /** Whether {@code value} is in equal-width bin b of B by comparing with the edges b/B and (b+1)/B. */
    static boolean inBin(double value, int b, int bins) {
        double lower = (double) b / bins;
        double upper = (double) (b + 1) / bins;
        return (value > lower || (b == 0 && value >= 0)) && value <= upper;
    }

    /** {@code [count, mean confidence, accuracy]} of equal-width bin b over top-label confidence. */
    double[] topLabelBin(int b, int bins) {
        double count = 0;
        double conf = 0;
        double hits = 0;
        for (int i = 0; i < n; i++) {
            if (inBin(confidence(i), b, bins)) {
                count++;
                conf += confidence(i);
                hits += correct(i) ? 1 : 0;
            }
        }
        return new double[] {count, count == 0 ? Double.NaN : conf / count, count == 0 ? Double.NaN : hits / count};
    }

    double ece(int bins) {
        double sum = 0;
        for (int b = 0; b < bins; b++) {
            double[] s = topLabelBin(b, bins);
            if (s[0] > 0) {
                sum += s[0] / n * Math.abs(s[2] - s[1]);
            }
        }
        return sum;
    }

    double mce(int bins) {
        double max = 0;
        for (int b = 0; b < bins; b++) {
            double[] s = topLabelBin(b, bins);
            if (s[0] > 0) {
                max = Math.max(max, Math.abs(s[2] - s[1]));
            }
        }
        return max;
    }

    /** Sorts samples by confidence and puts rank r in group floor(r * B / N). */
    double equalMassEce(int bins) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(this::confidence));
        double[] count = new double[bins];
        double[] conf = new double[bins];
        double[] hits = new double[bins];
        for (int r = 0; r < n; r++) {
            int g = (int) ((long) r * bins / n);
            count[g]++;
            conf[g] += confidence(order[r]);
            hits[g] += correct(order[r]) ? 1 : 0;
        }
        double sum = 0;
        for (int g = 0; g < bins; g++) {
            if (count[g] > 0) {
                sum += count[g] / n * Math.abs(hits[g] / count[g] - conf[g] / count[g]);
            }
        }
        return sum;
    }

    /** Mean over classes c of the equal-width ECE of p_ic against [y_i == c]. */
    double classwiseEce(int bins) {
        double total = 0;
        for (int c = 0; c < k; c++) {
            double classEce = 0;
            for (int b = 0; b < bins; b++) {
                double count = 0;
                double score = 0;
                double target = 0;
                for (int i = 0; i < n; i++) {
                    if (inBin(p[i][c], b, bins)) {
                        count++;
                        score += p[i][c];
                        target += y[i] == c ? 1 : 0;
                    }
                }
                if (count > 0) {
                    classEce += count / n * Math.abs(target / count - score / count);
                }
            }
            total += classEce;
        }
        return total / k;
    }

    long confusion(int trueClass, int predictedClass) {
        long c = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == trueClass && predicted(i) == predictedClass) {
                c++;
            }
        }
        return c;
    }

    /** {@code [precision, recall, f1, support]} from tp, fp, fn; f1 as 2tp / (2tp + fp + fn); 0 for 0/0. */
    double[] classScores(int c) {
        double tp = 0;
        double fp = 0;
        double fn = 0;
        for (int i = 0; i < n; i++) {
            boolean isC = y[i] == c;
            boolean predictedC = predicted(i) == c;
            tp += isC && predictedC ? 1 : 0;
            fp += !isC && predictedC ? 1 : 0;
            fn += isC && !predictedC ? 1 : 0;
        }
        return new double[] {
            tp + fp == 0 ? 0 : tp / (tp + fp),
            tp + fn == 0 ? 0 : tp / (tp + fn),
            2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn),
            tp + fn};
    }

    /**
     * Bootstrap replicate values {@code [accuracy..., ece...]} with explicit per-sample weights
     * {@code weights[i][r]}; replicates with zero total weight are dropped.
     */
    List<double[]> bootstrapReplicates(int[][] weights, int bins) {
        int replicates = weights[0].length;
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < replicates; r++) {
            double total = 0;
            double hits = 0;
            for (int i = 0; i < n; i++) {
                total += weights[i][r];
                hits += correct(i) ? weights[i][r] : 0;
            }
            if (total == 0) {
                continue;
            }
            double ece = 0;
            for (int b = 0; b < bins; b++) {
                double w = 0;
                double conf = 0;
                double ok = 0;
                for (int i = 0; i < n; i++) {
                    if (inBin(confidence(i), b, bins)) {
                        w += weights[i][r];
                        conf += weights[i][r] * confidence(i);
                        ok += correct(i) ? weights[i][r] : 0;
                    }
                }
                if (w > 0) {
                    ece += w / total * Math.abs(ok / w - conf / w);
                }
            }
            out.add(new double[] {hits / total, ece});
        }
        return out;
    }

    /** Percentile q (0-100) with linear interpolation between order statistics (numpy's default). */
    static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * q / 100.0;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
