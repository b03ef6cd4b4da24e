package dev.smoothcal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use from Java" snippets of core, run as written: the code between {@code README:} markers
 * is the README's (cli's ReadmeSnippetsTest checks they are the same).
 */
class UserGuideTest {

    @Test
    void datasetsAndStreamingMetrics() {
        // README: datasets
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        System.out.println(test.size() + " images of " + test.shape() + ", classes " + test.classNames());
        // README: end
        assertEquals(1797, test.size());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), test.classNames());

        // A model's probabilities for the first 1000 images: uniform, so accuracy is the share of label 0.
        int n = 1000;
        int k = 10;
        float[] probabilities = new float[n * k];
        Arrays.fill(probabilities, 0.1f);
        int[] labels = Arrays.copyOf(test.labels(), n);
        // README: metrics
        MetricsConfig config = MetricsConfig.of(10);       // 15 bins, top-1 and top-5, 200 bootstrap replicates
        MetricsAccumulator first = new MetricsAccumulator(config);       // samples 0..599
        first.accept(probabilities, labels, 600);
        MetricsAccumulator second = new MetricsAccumulator(config, 600); // samples 600..999, on another machine
        second.accept(Arrays.copyOfRange(probabilities, 6000, 10000), Arrays.copyOfRange(labels, 600, 1000), 400);
        MetricsResult all = first.combine(second).result();              // the numbers of one pass over 0..999
        System.out.printf("accuracy %.4f, nll %.4f, ece %.4f%n", all.accuracy(), all.negativeLogLikelihood(),
                all.expectedCalibrationError());
        // README: end
        long zeros = Arrays.stream(labels).filter(y -> y == 0).count();
        assertEquals(zeros / (double) n, all.accuracy(), 1e-12, "arg-max of a uniform row is class 0");
        assertEquals(Math.log(10), all.negativeLogLikelihood(), 1e-6, "-ln 0.1");
        MetricsAccumulator once = new MetricsAccumulator(config);
        once.accept(probabilities, labels, n);
        MetricsResult single = once.result();
        assertEquals(single.accuracy(), all.accuracy(), 0.0, "sharded = one pass");
        assertEquals(single.negativeLogLikelihood(), all.negativeLogLikelihood(), 1e-12);
        assertEquals(single.expectedCalibrationError(), all.expectedCalibrationError(), 1e-12);
        assertEquals(single.bootstrap(), all.bootstrap(), "global sample indices make the bootstrap shard-free");
    }
}
