package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric against {@link NaiveMetrics} (independent in-memory recomputation) and hand-worked cases. */
class MetricsAccumulatorTest {
    /** Sums of a few thousand doubles in another order: agreement to about 1e-15 is typical, 1e-12 is ample. */
    private static final double TOLERANCE = 1e-12;

    @Test
    void randomTenClassDataMatchesNaiveRecomputation() {
        Predictions data = Predictions.random(11, 3000, 10, 1.5, ConfidenceSpacing.DISTINCT_MICRO_BINS);
        MetricsConfig config = MetricsConfig.of(10).withTopK(List.of(1, 3, 5)).withoutBootstrap();

        MetricsResult result = data.feed(new MetricsAccumulator(config), 256).result();

        assertAgreesWithNaive(result, data.naive(), config.bins());
    }

    @Test
    void randomTwoClassDataMatchesNaiveRecomputation() {
        Predictions data = Predictions.random(12, 2000, 2, 1.0, ConfidenceSpacing.DISTINCT_MICRO_BINS);
        MetricsConfig config = MetricsConfig.of(2).withBins(10).withoutBootstrap();

        MetricsResult result = data.feed(new MetricsAccumulator(config), 100).result();

        assertEquals(List.of(1, 2), config.topK(), "top-5 is clipped to K = 2");
        assertAgreesWithNaive(result, data.naive(), config.bins());
        assertEquals(1.0, result.accuracyAtK().get(1).accuracy(), 0.0, "top-2 of two classes always holds");
    }

    @Test
    void handWorkedThreeClassCaseWithTwoBins() {
        // Exactly representable probabilities; bins (0, 1/2] and (1/2, 1]. Worked by hand:
        // s0 [3/4, 1/8, 1/8] y=0 right, c=3/4 | s1 [1/2, 1/4, 1/4] y=1 wrong (pred 0), c=1/2 -> bin 0 (upper edge)
        // s2 [1/8, 1/8, 3/4] y=2 right, c=3/4 | s3 [1/4, 5/8, 1/8] y=2 wrong (pred 1), c=5/8
        float[] p = {0.75f, 0.125f, 0.125f, 0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.75f, 0.25f, 0.625f, 0.125f};
        int[] y = {0, 1, 2, 2};
        MetricsConfig config = new MetricsConfig(3, 2, List.of(1, 2, 3), 0, 0);
        MetricsAccumulator accumulator = new MetricsAccumulator(config);
        accumulator.accept(p, y, 4);

        MetricsResult r = accumulator.result();

        assertEquals(4, r.sampleCount());
        assertEquals(0.5, r.accuracy(), TOLERANCE);
        // label ranks (classes strictly above): s0 0, s1 1 (the tie with class 2 does not count), s2 0, s3 2
        assertEquals(List.of(new TopKAccuracy(1, 0.5), new TopKAccuracy(2, 0.75), new TopKAccuracy(3, 1.0)),
                r.accuracyAtK());
        assertEquals(-(2 * Math.log(0.75) + Math.log(0.25) + Math.log(0.125)) / 4, r.negativeLogLikelihood(), TOLERANCE);
        // squared errors per sample: 3/32, 7/8, 3/32, 39/32
        assertEquals((3.0 / 32 + 7.0 / 8 + 3.0 / 32 + 39.0 / 32) / 4, r.brierScore(), TOLERANCE);
        // bin 0: {s1} conf 1/2 acc 0; bin 1: {s0, s2, s3} conf 17/24 acc 2/3
        assertEquals(0.25 * 0.5 + 0.75 * (17.0 / 24 - 2.0 / 3), r.expectedCalibrationError(), TOLERANCE);
        assertEquals(0.5, r.maximumCalibrationError(), TOLERANCE);
        assertReliabilityBin(r.reliabilityBins().get(0), 0.0, 0.5, 1, 0.5, 0.0);
        assertReliabilityBin(r.reliabilityBins().get(1), 0.5, 1.0, 3, 17.0 / 24, 2.0 / 3);
        // equal mass, 2 groups of 2 by ascending confidence: {s1, s3} conf 9/16 acc 0; {s0, s2} conf 3/4 acc 1
        assertEquals(0.5 * 9.0 / 16 + 0.5 * 0.25, r.equalMassCalibrationError(), TOLERANCE);
        assertEquals(2, r.equalMassBins().size());
        // classwise: class 0 -> 7/32 + 1/16, class 1 -> 1/8 + 5/32, class 2 -> 1/8 + 1/16
        assertEquals((9.0 / 32 + 9.0 / 32 + 3.0 / 16) / 3, r.classwiseCalibrationError(), TOLERANCE);
        ClassificationReport report = r.classification();
        assertEquals(List.of(List.of(1L, 0L, 0L), List.of(1L, 0L, 0L), List.of(0L, 1L, 1L)), report.confusionMatrix());
        assertClassScores(report.perClass().get(0), 0.5, 1.0, 2.0 / 3, 1);
        assertClassScores(report.perClass().get(1), 0.0, 0.0, 0.0, 1);
        assertClassScores(report.perClass().get(2), 1.0, 0.5, 2.0 / 3, 2);
        assertAveraged(report.macroAverage(), 0.5, 0.5, 4.0 / 9);
        assertAveraged(report.weightedAverage(), 0.625, 0.5, 0.5);
        assertNull(r.bootstrap(), "bootstrap off");
    }

    @Test
    void confidenceOfExactlyOneLandsInTheLastBinAndZeroInTheFirst() {
        assertEquals(0, EqualWidthBins.index(0.0, 15));
        assertEquals(14, EqualWidthBins.index(1.0, 15));
        assertEquals(0, EqualWidthBins.index(0.5, 2), "upper edges are inclusive");
        assertEquals(1, EqualWidthBins.index(Math.nextUp(0.5), 2));

        MetricsAccumulator accumulator = new MetricsAccumulator(MetricsConfig.of(3).withoutBootstrap());
        // one-hot rows: top-label confidence 1, the other probabilities exactly 0
        accumulator.accept(new float[] {1, 0, 0, 0, 0, 1}, new int[] {0, 1}, 2);
        MetricsResult r = accumulator.result();

        ReliabilityBin last = r.reliabilityBins().get(14);
        assertReliabilityBin(last, 14.0 / 15, 1.0, 2, 1.0, 0.5);
        assertEquals(2, r.reliabilityBins().stream().mapToLong(ReliabilityBin::count).sum());
        assertEquals(0.5, r.expectedCalibrationError(), TOLERANCE);
        // classwise, (p, target) per bin: class 0: bin 14 {(1, 1)}, bin 0 {(0, 0)} -> 0;
        // class 1: bin 0 {(0, 0), (0, 1)} -> |1 - 0| / 2; class 2: bin 0 {(0, 0)}, bin 14 {(1, 0)} -> 1/2
        assertEquals(1.0 / 3, r.classwiseCalibrationError(), TOLERANCE);
        // s1 gives its label probability 0: clamped to 1e-12
        assertEquals(-Math.log(1e-12) / 2, r.negativeLogLikelihood(), TOLERANCE);
        assertEquals((0 + 2) / 2.0, r.brierScore(), TOLERANCE);
    }

    @Test
    void oneSampleWithFifteenBinsReportsEmptyBinsWithoutValues() {
        MetricsAccumulator accumulator = new MetricsAccumulator(MetricsConfig.of(3).withoutBootstrap());
        accumulator.accept(new float[] {0.25f, 0.5f, 0.25f}, new int[] {1}, 1);

        MetricsResult r = accumulator.result();

        assertEquals(1, r.sampleCount());
        assertEquals(1.0, r.accuracy());
        assertEquals(0.5, r.expectedCalibrationError(), TOLERANCE);
        assertEquals(0.5, r.maximumCalibrationError(), TOLERANCE);
        assertEquals(0.5, r.equalMassCalibrationError(), TOLERANCE);
        assertEquals(1, r.equalMassBins().size());
        assertEquals(15, r.reliabilityBins().size());
        // 0.5 * 15 = 7.5 -> bin 7, i.e. (7/15, 8/15]
        for (int b = 0; b < 15; b++) {
            ReliabilityBin bin = r.reliabilityBins().get(b);
            assertEquals((double) b / 15, bin.lower(), 0.0);
            if (b == 7) {
                assertReliabilityBin(bin, 7.0 / 15, 8.0 / 15, 1, 0.5, 1.0);
            } else {
                assertEquals(0, bin.count());
                assertNull(bin.meanConfidence());
                assertNull(bin.accuracy());
                assertNull(bin.gap());
            }
        }
    }

    @Test
    void argmaxTiesGoToTheLowestIndexWhileTopKTiesFavourTheLabel() {
        MetricsAccumulator accumulator = new MetricsAccumulator(
                new MetricsConfig(3, 15, List.of(1), 0, 0));
        accumulator.accept(new float[] {0.4f, 0.4f, 0.2f}, new int[] {1}, 1);

        MetricsResult r = accumulator.result();

        assertEquals(0.0, r.accuracy(), "class 0 wins the tie, the label is 1");
        assertEquals(1.0, r.accuracyAtK().get(0).accuracy(), "no class is strictly above the label");
        assertEquals(1L, r.classification().confusionMatrix().get(1).get(0));
        assertEquals(0.0, r.classification().perClass().get(1).recall());
    }

    @Test
    void resultIsIndependentOfBatchBoundaries() {
        Predictions data = Predictions.random(13, 1500, 6, 2.0, ConfidenceSpacing.ANY);
        MetricsConfig config = MetricsConfig.of(6).withBootstrap(30, 99);

        MetricsResult oneByOne = data.feed(new MetricsAccumulator(config), 1).result();
        MetricsResult sevens = data.feed(new MetricsAccumulator(config), 7).result();
        MetricsResult whole = data.feed(new MetricsAccumulator(config), data.n()).result();

        // same samples in the same order: every sum is added in the same sequence, so equality is exact
        assertEquals(whole, oneByOne);
        assertEquals(whole, sevens);
    }

    @Test
    void doubleInputGivesTheSameResultAsFloatInput() {
        Predictions data = Predictions.random(14, 500, 4, 1.0, ConfidenceSpacing.ANY);
        double[] asDouble = new double[data.probabilities().length];
        for (int i = 0; i < asDouble.length; i++) {
            asDouble[i] = data.probabilities()[i];
        }
        MetricsConfig config = MetricsConfig.of(4).withBootstrap(10, 1);
        MetricsAccumulator fromDouble = new MetricsAccumulator(config);
        fromDouble.accept(asDouble, data.labels(), data.n());

        assertEquals(data.feed(new MetricsAccumulator(config), data.n()).result(), fromDouble.result());
    }

    @Test
    void equalMassGroupsFollowRankRuleAndKeepTiesTogether() {
        // 4 samples at one confidence and 2 above: the shared micro-bin is never split, so the first
        // group takes all four tied samples
        float[] p = {0.6f, 0.4f, 0.6f, 0.4f, 0.6f, 0.4f, 0.6f, 0.4f, 0.875f, 0.125f, 0.875f, 0.125f};
        int[] y = {0, 0, 1, 1, 0, 1};
        MetricsAccumulator accumulator = new MetricsAccumulator(new MetricsConfig(2, 3, List.of(1), 0, 0));
        accumulator.accept(p, y, 6);

        MetricsResult r = accumulator.result();

        assertEquals(2, r.equalMassBins().size());
        assertEquals(4, r.equalMassBins().get(0).count());
        assertEquals(2, r.equalMassBins().get(1).count());
        // group 0: conf 0.6 (float), acc 1/2; group 1: conf 7/8, acc 1/2
        double c = (double) 0.6f;
        assertEquals(4.0 / 6 * Math.abs(0.5 - c) + 2.0 / 6 * (0.875 - 0.5), r.equalMassCalibrationError(), TOLERANCE);
    }

    static void assertAgreesWithNaive(MetricsResult r, NaiveMetrics naive, int bins) {
        assertEquals(naive.n, r.sampleCount());
        assertEquals(naive.accuracy(), r.accuracy(), TOLERANCE, "accuracy");
        for (TopKAccuracy atK : r.accuracyAtK()) {
            assertEquals(naive.topK(atK.k()), atK.accuracy(), TOLERANCE, "top-" + atK.k());
        }
        assertEquals(naive.nll(), r.negativeLogLikelihood(), TOLERANCE, "NLL");
        assertEquals(naive.brier(), r.brierScore(), TOLERANCE, "Brier");
        assertEquals(naive.ece(bins), r.expectedCalibrationError(), TOLERANCE, "ECE");
        assertEquals(naive.mce(bins), r.maximumCalibrationError(), TOLERANCE, "MCE");
        assertEquals(naive.equalMassEce(bins), r.equalMassCalibrationError(), TOLERANCE, "equal-mass ECE");
        assertEquals(naive.classwiseEce(bins), r.classwiseCalibrationError(), TOLERANCE, "classwise ECE");
        assertTrue(r.expectedCalibrationError() > 0.01, "the data must exercise the ECE, found "
                + r.expectedCalibrationError());
        assertEquals(bins, r.reliabilityBins().size());
        for (int b = 0; b < bins; b++) {
            double[] expected = naive.topLabelBin(b, bins);
            ReliabilityBin bin = r.reliabilityBins().get(b);
            assertEquals((long) expected[0], bin.count(), "count of bin " + b);
            if (bin.count() > 0) {
                assertEquals(expected[1], bin.meanConfidence(), TOLERANCE, "confidence of bin " + b);
                assertEquals(expected[2], bin.accuracy(), TOLERANCE, "accuracy of bin " + b);
            }
        }
        double[] macro = new double[3];
        double[] weighted = new double[3];
        for (int c = 0; c < naive.k; c++) {
            for (int p = 0; p < naive.k; p++) {
                assertEquals(naive.confusion(c, p), r.classification().confusionMatrix().get(c).get(p),
                        "confusion[" + c + "][" + p + "]");
            }
            double[] s = naive.classScores(c);
            assertClassScores(r.classification().perClass().get(c), s[0], s[1], s[2], (long) s[3]);
            for (int m = 0; m < 3; m++) {
                macro[m] += s[m] / naive.k;
                weighted[m] += s[m] * s[3] / naive.n;
            }
        }
        assertAveraged(r.classification().macroAverage(), macro[0], macro[1], macro[2]);
        assertAveraged(r.classification().weightedAverage(), weighted[0], weighted[1], weighted[2]);
    }

    static void assertReliabilityBin(ReliabilityBin bin, double lower, double upper, long count, double confidence,
            double accuracy) {
        assertEquals(lower, bin.lower(), TOLERANCE);
        assertEquals(upper, bin.upper(), TOLERANCE);
        assertEquals(count, bin.count());
        assertEquals(confidence, bin.meanConfidence(), TOLERANCE);
        assertEquals(accuracy, bin.accuracy(), TOLERANCE);
        assertEquals(confidence - accuracy, bin.gap(), TOLERANCE);
    }

    static void assertClassScores(ClassScores scores, double precision, double recall, double f1, long support) {
        assertEquals(precision, scores.precision(), TOLERANCE, "precision of class " + scores.classIndex());
        assertEquals(recall, scores.recall(), TOLERANCE, "recall of class " + scores.classIndex());
        assertEquals(f1, scores.f1(), TOLERANCE, "f1 of class " + scores.classIndex());
        assertEquals(support, scores.support(), "support of class " + scores.classIndex());
    }

    static void assertAveraged(AveragedScores scores, double precision, double recall, double f1) {
        assertEquals(precision, scores.precision(), TOLERANCE, "averaged precision");
        assertEquals(recall, scores.recall(), TOLERANCE, "averaged recall");
        assertEquals(f1, scores.f1(), TOLERANCE, "averaged f1");
    }
}
