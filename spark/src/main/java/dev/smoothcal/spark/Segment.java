package dev.smoothcal.spark;

import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.calibration.Calibrator;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.OutputKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of one run of consecutive global indices {@code [first, first + accumulator.count())} that a
 * partition saw in order: usually one per partition, more when a partition's indices are not consecutive.
 * {@code tempered} holds the same samples' metrics after the fitted temperature, or is null without one;
 * {@code calibrated} after each fitted calibrator, in the request's order (empty without them).
 */
record Segment(long first, MetricsAccumulator accumulator, MetricsAccumulator tempered,
        List<MetricsAccumulator> calibrated) implements Serializable {
    /** Empty accumulators from {@code first}, as the single-JVM evaluation makes them. */
    static Segment start(MetricsConfig config, long first, double temperature, List<Calibrator> calibrators) {
        List<MetricsAccumulator> calibrated = new ArrayList<>(calibrators.size());
        calibrators.forEach(c -> calibrated.add(new MetricsAccumulator(config, first)));
        return new Segment(first, new MetricsAccumulator(config, first), Double.isNaN(temperature) ? null
                : new MetricsAccumulator(config.withoutBootstrap(), first), calibrated);
    }

    /** Feeds one batch's output as the single-JVM evaluation does: as is, tempered, through each calibrator. */
    void accept(ImageClassifier.Batch b, int[] labels, OutputKind kind, double temperature,
            List<Calibrator> calibrators) {
        int n = b.count();
        accumulator.accept(b.probabilities(), labels, n);
        if (tempered == null && calibrators.isEmpty()) {
            return;
        }
        float[] z = TemperatureScaling.logits(b.raw(), kind);
        if (tempered != null) {
            tempered.accept(TemperatureScaling.temperedProbabilities(z, n, b.numClasses(), temperature), labels, n);
        }
        for (int i = 0; i < calibrators.size(); i++) {
            calibrated.get(i).accept(calibrators.get(i).probabilities(z, n), labels, n);
        }
    }

    long end() {
        return first + accumulator.count();
    }
}
