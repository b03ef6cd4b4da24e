package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Evaluates one ONNX classifier on one labelled dataset, optionally with a temperature fitted on another
 * split first. The evaluated split is streamed batch by batch; only the fit split's logits are held in
 * memory.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * {@link #run(EvaluationRequest, IntConsumer, Consumer, ImageClassifier.BatchConsumer)} without a predictions listener.
     *
     * @param request what to evaluate and how
     * @param progress receives the number of evaluated images done after each batch
     * @param notes receives notes for the user (for example a CUDA fallback)
     * @return the report that {@code report.json} holds
     */
    public static EvaluationReport run(EvaluationRequest request, IntConsumer progress, Consumer<String> notes) {
        return run(request, progress, notes, (from, count, probabilities, k) -> { });
    }

    /**
     * Runs the model over the data in batches, streaming the probabilities into the metric accumulators.
     * With {@link EvaluationRequest#calibrateOn()} a temperature is fitted on that split first, and the
     * report's {@code temperature} compares NLL and ECE of the evaluated split before and after it (both
     * through {@link MetricsAccumulator}).
     *
     * @param request what to evaluate and how
     * @param progress receives the number of evaluated images done after each batch
     * @param notes receives notes for the user (for example a CUDA fallback)
     * @param predictions receives each batch's (untempered) probabilities, in order
     * @return the report that {@code report.json} holds
     * @throws SmoothcalException for an empty split, a model that cannot take the data, or labels the
     *     model cannot output
     */
    public static EvaluationReport run(EvaluationRequest request, IntConsumer progress, Consumer<String> notes,
            ImageClassifier.BatchConsumer predictions) {
        Dataset data = request.data();
        requireNonEmpty(data);
        Path file = ModelSource.onnxFile(request.model());
        try (ClassifierSession session = ClassifierSession.open(file, request.provider())) {
            session.notes().forEach(notes);
            ImageClassifier classifier = new ImageClassifier(session, data.shape(), request.inference());
            TemperatureFit fit = null;
            Dataset fitData = request.calibrateOn().orElse(null);
            if (fitData != null) {
                fit = fitTemperature(classifier, fitData);
                if (fit.position() != TemperatureFit.Position.INSIDE) {
                    notes.accept(String.format(Locale.ROOT, "the temperature stopped at the end of its bracket "
                            + "(T = %.4g, %s)", fit.temperature(), fit.position().name().toLowerCase(Locale.ROOT)));
                }
            }
            double t = fit == null ? Double.NaN : fit.temperature();
            int maxLabel = Arrays.stream(data.labels()).max().orElse(0);
            MetricsAccumulator[] acc = new MetricsAccumulator[2];
            long started = System.nanoTime();
            classifier.predictRaw(data, (from, count, raw, probabilities, k) -> {
                if (acc[0] == null) {
                    requireLabels(data, maxLabel, k);
                    MetricsConfig config = new MetricsConfig(k, request.bins(), List.of(1, 5),
                            request.bootstrapReplicates(), request.seed());
                    acc[0] = new MetricsAccumulator(config);
                    acc[1] = new MetricsAccumulator(config.withoutBootstrap());
                }
                int[] labels = Arrays.copyOfRange(data.labels(), from, from + count);
                acc[0].accept(probabilities, labels, count);
                if (!Double.isNaN(t)) {
                    float[] z = TemperatureScaling.logits(raw, classifier.outputKind());
                    acc[1].accept(TemperatureScaling.temperedProbabilities(z, count, k, t), labels, count);
                }
                predictions.accept(from, count, probabilities, k);
                progress.accept(from + count);
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, String> provenance = new TreeMap<>();
            session.metadata().forEach((key, value) -> {
                if (key.startsWith("smoothcal.") && !key.equals("smoothcal.run")) {
                    provenance.put(key, value);
                }
            });
            EvaluationReport.ModelInfo model = new EvaluationReport.ModelInfo(file.toString(), session.inputName(),
                    Arrays.stream(session.inputShape()).boxed().toList(),
                    classifier.layout().name(), classifier.outputName(),
                    classifier.outputKind().name().toLowerCase(Locale.ROOT),
                    session.provider().name().toLowerCase(Locale.ROOT), provenance);
            EvaluationReport.DataInfo dataInfo = new EvaluationReport.DataInfo(data.name(), data.size(),
                    data.fingerprint(), data.classNames());
            EvaluationReport.Throughput throughput = new EvaluationReport.Throughput(
                    request.inference().batchSize(), seconds, data.size() / Math.max(seconds, 1e-9));
            MetricsResult before = acc[0].result();
            EvaluationReport.Temperature temperature = fit == null ? null
                    : temperature(fit, fitData, data, before, acc[1].result());
            return EvaluationReport.of(model, dataInfo, before, temperature, throughput);
        }
    }

    private static TemperatureFit fitTemperature(ImageClassifier classifier, Dataset fitData) {
        requireNonEmpty(fitData);
        int maxLabel = Arrays.stream(fitData.labels()).max().orElse(0);
        GrowingFloats logits = new GrowingFloats();
        int[] classes = new int[1];
        classifier.predictRaw(fitData, (from, count, raw, probabilities, k) -> {
            if (from == 0) {
                requireLabels(fitData, maxLabel, k);
                classes[0] = k;
            }
            logits.add(TemperatureScaling.logits(raw, classifier.outputKind()), count * k);
        });
        return TemperatureScaling.fit(logits.toArray(), fitData.labels(), fitData.size(), classes[0]);
    }

    private static EvaluationReport.Temperature temperature(TemperatureFit fit, Dataset fitData, Dataset data,
            MetricsResult before, MetricsResult after) {
        boolean same = fitData.fingerprint().equals(data.fingerprint());
        String warning = same ? "the temperature was fitted on the evaluated split itself, so the after-values "
                + "are optimistic; fit on a held-out split for an honest estimate" : null;
        return new EvaluationReport.Temperature(fit.temperature(), fitData.name(), fit.samples(),
                fit.position().name().toLowerCase(Locale.ROOT), fit.nllUntempered(), fit.nllTempered(),
                before.negativeLogLikelihood(), after.negativeLogLikelihood(), before.expectedCalibrationError(),
                after.expectedCalibrationError(), after.reliabilityBins(), warning);
    }

    private static void requireNonEmpty(Dataset data) {
        if (data.size() == 0) {
            throw new SmoothcalException("expected at least one image in " + data.name() + ", found an empty split");
        }
    }

    private static void requireLabels(Dataset data, int maxLabel, int k) {
        if (maxLabel >= k) {
            throw new SmoothcalException("data " + data.name() + " has labels up to " + maxLabel
                    + " but the model outputs " + k + " classes; expected labels in [0, " + (k - 1) + "]");
        }
    }
}
