package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.BootstrapReplicates.Metric;
import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapReplicatesTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void eachReplicateIsTheMetricOfTheDataWithEverySampleRepeatedByItsWeight() {
        // reference: NaiveMetrics (written from the definitions, all samples in memory) on the expanded data
        // set in which sample i occurs w_ir times, the weights drawn here from the same generator
        Predictions data = Predictions.random(5, 250, 4, 2.0, ConfidenceSpacing.ANY);
        int replicates = 12;
        int bins = 8;
        long seed = 19;
        BootstrapReplicates b = new BootstrapReplicates(new MetricsConfig(4, bins, List.of(1), replicates, seed));
        feed(b, data, 0, data.n(), 37);
        int[][] w = new int[data.n()][replicates];
        PoissonWeights generator = new PoissonWeights(seed);
        for (int i = 0; i < data.n(); i++) {
            generator.fill(i, w[i]);
        }
        assertEquals(replicates, b.replicatesUsed(), "250 samples: no replicate has total weight 0");
        for (int r = 0; r < replicates; r++) {
            NaiveMetrics expanded = expanded(data, w, r);
            assertEquals(expanded.accuracy(), b.values(Metric.ACCURACY)[r], TOLERANCE, "accuracy r=" + r);
            assertEquals(expanded.nll(), b.values(Metric.NLL)[r], TOLERANCE, "nll r=" + r);
            assertEquals(expanded.brier(), b.values(Metric.BRIER)[r], TOLERANCE, "brier r=" + r);
            assertEquals(expanded.ece(bins), b.values(Metric.ECE)[r], TOLERANCE, "ece r=" + r);
            assertEquals(expanded.mce(bins), b.values(Metric.MCE)[r], TOLERANCE, "mce r=" + r);
            assertEquals(expanded.classwiseEce(bins), b.values(Metric.CLASSWISE_ECE)[r], TOLERANCE,
                    "classwise r=" + r);
        }
    }

    @Test
    void accuracyAndEceIntervalsAreTheMetricsAccumulatorsOwn() {
        Predictions data = Predictions.random(8, 600, 5, 1.5, ConfidenceSpacing.ANY);
        MetricsConfig config = new MetricsConfig(5, 15, List.of(1), 50, 3);
        MetricsResult m = data.feed(new MetricsAccumulator(config), 64).result();
        BootstrapReplicates b = new BootstrapReplicates(config);
        feed(b, data, 0, data.n(), 64);
        ConfidenceInterval accuracy = BootstrapReplicates.interval(m.accuracy(), b.values(Metric.ACCURACY));
        ConfidenceInterval ece = BootstrapReplicates.interval(m.expectedCalibrationError(), b.values(Metric.ECE));
        assertEquals(m.bootstrap().accuracy().lower(), accuracy.lower(), TOLERANCE);
        assertEquals(m.bootstrap().accuracy().upper(), accuracy.upper(), TOLERANCE);
        assertEquals(m.bootstrap().expectedCalibrationError().lower(), ece.lower(), TOLERANCE);
        assertEquals(m.bootstrap().expectedCalibrationError().upper(), ece.upper(), TOLERANCE);
        assertEquals(m.accuracy(), accuracy.estimate());
        // reference percentiles: NaiveMetrics' numpy-style interpolation
        double[] v = b.values(Metric.NLL);
        ConfidenceInterval nll = BootstrapReplicates.interval(m.negativeLogLikelihood(), v);
        assertEquals(NaiveMetrics.percentile(v, 2.5), nll.lower(), TOLERANCE);
        assertEquals(NaiveMetrics.percentile(v, 97.5), nll.upper(), TOLERANCE);
    }

    @Test
    void replicatesOfTotalWeightZeroAreDroppedAsTheAccumulatorDropsThem() {
        Predictions data = Predictions.random(2, 2, 3, 1.0, ConfidenceSpacing.ANY);
        MetricsConfig config = new MetricsConfig(3, 5, List.of(1), 200, 11);
        BootstrapReplicates b = new BootstrapReplicates(config);
        feed(b, data, 0, 2, 2);
        int used = data.feed(new MetricsAccumulator(config), 2).result().bootstrap().replicatesUsed();
        assertEquals(used, b.replicatesUsed());
        assertEquals(used, b.values(Metric.MCE).length);
        // P(W_r = 0) = e^-2 for two samples: about 27 of 200
        assertEquals(200 * Math.exp(-2), 200 - used, 15);
    }

    @Test
    void shardsCombineToOnePassAndBatchSizesDoNotMatter() {
        Predictions data = Predictions.random(4, 300, 3, 2.0, ConfidenceSpacing.ANY);
        MetricsConfig config = new MetricsConfig(3, 10, List.of(1), 30, 9);
        BootstrapReplicates whole = new BootstrapReplicates(config);
        feed(whole, data, 0, data.n(), 300);
        BootstrapReplicates first = new BootstrapReplicates(config);
        BootstrapReplicates second = new BootstrapReplicates(config);
        feed(second, data, 120, data.n(), 7);
        feed(first, data, 0, 120, 13);
        first.combine(second);
        assertEquals(300, first.count());
        for (Metric metric : Metric.values()) {
            double[] a = whole.values(metric);
            double[] c = first.values(metric);
            for (int r = 0; r < a.length; r++) {
                assertEquals(a[r], c[r], TOLERANCE, metric + " r=" + r);
            }
        }
        assertThrows(SmoothcalException.class, () -> first.combine(first));
        assertThrows(SmoothcalException.class,
                () -> first.combine(new BootstrapReplicates(config.withBootstrap(30, 10))));
    }

    @Test
    void twoModelsOnTheSameSamplesShareTheirWeights() {
        // the same predictions under two labellings are two "models" whose accuracies differ only where a
        // label differs: replicate differences are then the weighted share of those samples, recomputed here
        Predictions a = Predictions.random(6, 200, 3, 2.0, ConfidenceSpacing.ANY);
        int[] other = a.labels().clone();
        for (int i = 0; i < other.length; i += 5) {
            other[i] = (other[i] + 1) % 3;
        }
        MetricsConfig config = new MetricsConfig(3, 10, List.of(1), 20, 1);
        BootstrapReplicates ra = new BootstrapReplicates(config);
        BootstrapReplicates rb = new BootstrapReplicates(config);
        ra.accept(0, a.probabilities(), a.labels(), a.n());
        rb.accept(0, a.probabilities(), other, a.n());
        NaiveMetrics na = NaiveMetrics.ofFloats(a.probabilities(), a.labels(), 3);
        int[] w = new int[20];
        double[] gained = new double[20];
        double[] total = new double[20];
        PoissonWeights generator = new PoissonWeights(1);
        for (int i = 0; i < a.n(); i++) {
            generator.fill(i, w);
            int predicted = na.predicted(i);
            double delta = (predicted == other[i] ? 1 : 0) - (predicted == a.labels()[i] ? 1 : 0);
            for (int r = 0; r < 20; r++) {
                gained[r] += w[r] * delta;
                total[r] += w[r];
            }
        }
        double[] va = ra.values(Metric.ACCURACY);
        double[] vb = rb.values(Metric.ACCURACY);
        for (int r = 0; r < 20; r++) {
            assertEquals(gained[r] / total[r], vb[r] - va[r], TOLERANCE, "r=" + r);
        }
    }

    @Test
    void refusesNoReplicatesAndBadRows() {
        SmoothcalException off = assertThrows(SmoothcalException.class,
                () -> new BootstrapReplicates(new MetricsConfig(3, 10, List.of(1), 0, 0)));
        assertEquals(SmoothcalException.Kind.BAD_INPUT, off.kind());
        BootstrapReplicates b = new BootstrapReplicates(new MetricsConfig(3, 10, List.of(1), 5, 0));
        assertThrows(SmoothcalException.class, () -> b.accept(0, new float[] {1, 0, 0}, new int[] {3}, 1));
        assertThrows(SmoothcalException.class, () -> b.accept(0, new float[] {1, 0}, new int[] {0}, 1));
        assertThrows(SmoothcalException.class, () -> BootstrapReplicates.interval(0, new double[0]));
        assertArrayEquals(new double[0], b.values(Metric.ACCURACY));
    }

    private static void feed(BootstrapReplicates b, Predictions data, int from, int to, int batch) {
        int k = data.numClasses();
        for (int start = from; start < to; start += batch) {
            int n = Math.min(batch, to - start);
            b.accept(start, Arrays.copyOfRange(data.probabilities(), start * k, (start + n) * k),
                    Arrays.copyOfRange(data.labels(), start, start + n), n);
        }
    }

    private static NaiveMetrics expanded(Predictions data, int[][] w, int r) {
        int k = data.numClasses();
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < data.n(); i++) {
            for (int c = 0; c < w[i][r]; c++) {
                double[] row = new double[k];
                for (int j = 0; j < k; j++) {
                    row[j] = data.probabilities()[i * k + j];
                }
                rows.add(row);
                labels.add(data.labels()[i]);
            }
        }
        return new NaiveMetrics(rows.toArray(new double[0][]), labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
