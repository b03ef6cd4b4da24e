package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's bookkeeping; its figures themselves are measurements, reported by {@code smoothcal bench}. */
class TrainingBenchmarkTest {
    private static final Dataset DIGITS = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
    private static final ResolvedModel MLP = ModelSpec.preset("mlp").resolve(DIGITS.shape(), DIGITS.numClasses());

    @Test
    void measuresEveryConfigurationInEveryRoundAgainstTheFirst() {
        List<TrainingConfig> configs = List.of(config(MixConfig.OFF, 32), config(MixConfig.mixup(0.2), 32),
                config(MixConfig.cutmix(1.0), 32));
        List<TrainingBenchmark.Measurement> m = TrainingBenchmark.compare(configs, MLP, DIGITS, 2, 3, 3);
        assertEquals(3, m.size());
        for (int i = 0; i < 3; i++) {
            assertSame(configs.get(i), m.get(i).config());
            assertEquals(3, m.get(i).roundsStepsPerSecond().length);
            for (double rate : m.get(i).roundsStepsPerSecond()) {
                assertTrue(rate > 0 && Double.isFinite(rate), "steps/s " + rate);
            }
            assertEquals(TrainingBenchmark.median(m.get(i).roundsStepsPerSecond()), m.get(i).stepsPerSecond());
            assertTrue(Double.isFinite(m.get(i).costPercent()) && m.get(i).costPercent() > -100, "cost");
        }
        assertEquals(0.0, m.get(0).costPercent(), "the baseline costs nothing relative to itself");
        assertTrue(Double.isNaN(m.get(1).costLowerPercent()) && Double.isNaN(m.get(1).costUpperPercent()),
                "3 rounds are too few for a 95% interval of the median");
    }

    @Test
    void costIntervalHoldsTheMedianCostOnceThereAreSixRounds() {
        List<TrainingConfig> configs = List.of(config(MixConfig.OFF, 32), config(MixConfig.mixup(0.2), 32));
        TrainingBenchmark.Measurement mixup = TrainingBenchmark.compare(configs, MLP, DIGITS, 1, 2, 6).get(1);
        assertTrue(mixup.costLowerPercent() <= mixup.costPercent() && mixup.costPercent() <= mixup.costUpperPercent(),
                mixup.toString());
    }

    @Test
    void medianIntervalIsTheOrderStatisticsOfTheBinomialTables() {
        // Reference: the 95% distribution-free intervals of the median in the published tables (for
        // example Conover, Practical Nonparametric Statistics, table A3): n = 6 -> [x1, x6],
        // n = 10 -> [x2, x9], n = 20 -> [x6, x15], n = 25 -> [x8, x18]; below 6 there is none.
        int[][] table = {{6, 1, 6}, {10, 2, 9}, {20, 6, 15}, {25, 8, 18}};
        for (int[] row : table) {
            double[] values = new double[row[0]];
            for (int i = 0; i < values.length; i++) {
                values[i] = (7L * i) % values.length + 1; // 1..n in a scrambled order: x_(k) = k
            }
            double[] interval = TrainingBenchmark.medianInterval(values, 0.95);
            assertEquals(row[1], interval[0], "n = " + row[0]);
            assertEquals(row[2], interval[1], "n = " + row[0]);
        }
        assertEquals(null, TrainingBenchmark.medianInterval(new double[] {1, 2, 3, 4, 5}, 0.95));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, TrainingBenchmark.median(new double[] {3, 1, 2}));
        assertEquals(2.5, TrainingBenchmark.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, TrainingBenchmark.median(new double[] {7}));
    }

    @Test
    void refusesWhatCannotBeCompared() {
        SmoothcalException batch = assertThrows(SmoothcalException.class, () -> TrainingBenchmark.compare(
                List.of(config(MixConfig.OFF, 32), config(MixConfig.OFF, 64)), MLP, DIGITS, 0, 1, 1));
        assertEquals("benchmark configurations must share one batch size; expected 32, found 64", batch.getMessage());
        SmoothcalException counts = assertThrows(SmoothcalException.class,
                () -> TrainingBenchmark.compare(List.of(config(MixConfig.OFF, 32)), MLP, DIGITS, 0, 0, 1));
        assertEquals("steps must be at least 1 (timed steps per round), found 0", counts.getMessage());
        assertEquals("warmup must be at least 0 (untimed steps), found -1", assertThrows(SmoothcalException.class,
                () -> TrainingBenchmark.checkCounts(-1, 1, 1)).getMessage());
        assertEquals("rounds must be at least 1, found 0", assertThrows(SmoothcalException.class,
                () -> TrainingBenchmark.checkCounts(0, 1, 0)).getMessage());
        SmoothcalException none = assertThrows(SmoothcalException.class,
                () -> TrainingBenchmark.compare(List.of(), MLP, DIGITS, 0, 1, 1));
        assertEquals("benchmark needs at least one configuration, found none", none.getMessage());
        SmoothcalException tooBig = assertThrows(SmoothcalException.class,
                () -> TrainingBenchmark.compare(List.of(config(MixConfig.OFF, 5000)), MLP, DIGITS, 0, 1, 1));
        assertTrue(tooBig.getMessage().startsWith("benchmark batch size 5000 needs at least that many images, found "
                + DIGITS.size()), tooBig.getMessage());
    }

    private static TrainingConfig config(MixConfig mix, int batch) {
        return TrainingConfig.builder().epochs(1).batchSize(batch).mix(mix).seed(3).build();
    }
}
