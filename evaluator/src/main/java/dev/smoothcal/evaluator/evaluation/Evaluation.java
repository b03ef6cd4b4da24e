package dev.smoothcal.evaluator.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Fingerprint;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
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

/**
 * Evaluates one ONNX classifier on one labelled dataset, optionally with a temperature fitted on another
 * split first. The evaluated split is streamed batch by batch; only the fit split's logits are held in
 * memory.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Evaluates as {@link #run(EvaluationRequest, EvaluationListener)} with no listener.
     *
     * @param request what to evaluate and how
     * @return the report, exactly what {@code report.json} holds
     */
    public static EvaluationReport run(EvaluationRequest request) {
        return run(request, EvaluationListener.NONE);
    }

    /**
     * Runs the model over the data in batches, streaming the probabilities into the metric accumulators.
     * With {@link EvaluationRequest#calibrateOn()} a temperature is fitted on that split first, and the
     * report's {@code temperature} compares NLL and ECE of the evaluated split before and after it (both
     * through {@link MetricsAccumulator}).
     *
     * @param request what to evaluate and how
     * @param listener hears the phases, progress, notes (for example a CUDA fallback) and each batch's
     *     probabilities of the evaluated split (untempered), in order
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException for an empty split, a model that cannot take the data, or labels the
     *     model cannot output
     */
    public static EvaluationReport run(EvaluationRequest request, EvaluationListener listener) {
        BatchSource data = request.data();
        requireNonEmpty(data);
        Path file = ModelSource.onnxFile(request.model());
        try (ImageClassifier classifier = ImageClassifier.open(file, data.shape(), request.inference(),
                request.provider())) {
            ClassifierSession session = classifier.session();
            session.notes().forEach(listener::note);
            int k = classifier.numClasses();
            requireLabels(data, k);
            TemperatureFit fit = null;
            BatchSource fitData = request.calibrateOn().orElse(null);
            String[] fitFingerprint = new String[1];
            if (fitData != null) {
                listener.phase("scoring " + fitData.name() + " for the temperature", fitData.size());
                fit = fitTemperature(classifier, fitData, listener, fitFingerprint);
                if (fit.position() != TemperatureFit.Position.INSIDE) {
                    listener.note(String.format(Locale.ROOT, "the temperature stopped at the end of its bracket "
                            + "(T = %.4g, %s)", fit.temperature(), fit.position().name().toLowerCase(Locale.ROOT)));
                }
            }
            double t = fit == null ? Double.NaN : fit.temperature();
            MetricsConfig config = new MetricsConfig(k, request.bins(), List.of(1, 5), request.bootstrapReplicates(),
                    request.seed());
            MetricsAccumulator asIs = new MetricsAccumulator(config);
            MetricsAccumulator tempered = new MetricsAccumulator(config.withoutBootstrap());
            listener.phase("evaluating", data.size());
            long started = System.nanoTime();
            Fingerprint fingerprint = Fingerprint.start(data.shape(), data.classNames(), data.labels());
            classifier.predict(data, Shard.all(data.size()), (input, batch) -> {
                int from = batch.from();
                int count = batch.count();
                int[] labels = input.labels();
                fingerprint.accept(input.pixels(), 0, input.pixels().length);
                asIs.accept(batch.probabilities(), labels, count);
                if (!Double.isNaN(t)) {
                    float[] z = TemperatureScaling.logits(batch.raw(), classifier.outputKind());
                    tempered.accept(TemperatureScaling.temperedProbabilities(z, count, k, t), labels, count);
                }
                listener.predictions(from, count, batch.probabilities(), k);
                listener.progress(from + count);
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, JsonNode> provenance = provenance(session.metadata());
            EvaluationReport.ModelInfo model = new EvaluationReport.ModelInfo(file.toString(), session.inputName(),
                    Arrays.stream(session.inputShape()).boxed().toList(),
                    classifier.layout().name().toLowerCase(Locale.ROOT), classifier.outputName(),
                    classifier.outputKind().name().toLowerCase(Locale.ROOT),
                    session.provider().name().toLowerCase(Locale.ROOT), provenance);
            String dataFingerprint = fingerprint.result();
            EvaluationReport.DataInfo dataInfo = new EvaluationReport.DataInfo(data.name(), data.size(),
                    dataFingerprint, data.classNames());
            EvaluationReport.Throughput throughput = new EvaluationReport.Throughput(
                    request.inference().batchSize(), seconds, data.size() / Math.max(seconds, 1e-9));
            MetricsResult before = asIs.result();
            EvaluationReport.Temperature temperature = fit == null ? null
                    : temperature(fit, fitData, fitFingerprint[0].equals(dataFingerprint), before, tempered.result());
            return EvaluationReport.of(model, dataInfo, before, temperature, throughput);
        }
    }

    /**
     * The {@code smoothcal.*} metadata of a model, run.json left out: values as text, the class names as the
     * JSON array they are written as (text when they are not one, as in a foreign or hand-made file).
     */
    static Map<String, JsonNode> provenance(Map<String, String> metadata) {
        Map<String, JsonNode> provenance = new TreeMap<>();
        metadata.forEach((key, value) -> {
            if (key.startsWith("smoothcal.") && !key.equals(RunDirectory.METADATA_RUN)) {
                provenance.put(key, key.equals(RunDirectory.METADATA_CLASS_NAMES) ? jsonArrayOrText(value)
                        : TextNode.valueOf(value));
            }
        });
        return provenance;
    }

    private static JsonNode jsonArrayOrText(String value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node != null && node.isArray()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // not JSON: kept as the text it is
        }
        return TextNode.valueOf(value);
    }

    private static TemperatureFit fitTemperature(ImageClassifier classifier, BatchSource fitData,
            EvaluationListener listener, String[] fingerprintOut) {
        requireNonEmpty(fitData);
        int k = classifier.numClasses();
        requireLabels(fitData, k);
        GrowingFloats logits = new GrowingFloats();
        Fingerprint fingerprint = Fingerprint.start(fitData.shape(), fitData.classNames(), fitData.labels());
        classifier.predict(fitData, Shard.all(fitData.size()), (input, batch) -> {
            fingerprint.accept(input.pixels(), 0, input.pixels().length);
            logits.add(TemperatureScaling.logits(batch.raw(), classifier.outputKind()), batch.count() * k);
            listener.progress(batch.from() + batch.count());
        });
        fingerprintOut[0] = fingerprint.result();
        listener.phase("fitting the temperature on " + fitData.name(), 0);
        return TemperatureScaling.fit(logits.toArray(), fitData.labels(), fitData.size(), k);
    }

    private static EvaluationReport.Temperature temperature(TemperatureFit fit, BatchSource fitData, boolean same,
            MetricsResult before, MetricsResult after) {
        String warning = same ? "the temperature was fitted on the evaluated split itself, so the after-values "
                + "are optimistic; fit on a held-out split for an honest estimate" : null;
        return new EvaluationReport.Temperature(fit.temperature(), fitData.name(), fit.samples(),
                fit.position().name().toLowerCase(Locale.ROOT), fit.nllUntempered(), fit.nllTempered(),
                before.negativeLogLikelihood(), after.negativeLogLikelihood(), before.expectedCalibrationError(),
                after.expectedCalibrationError(), after.reliabilityBins(), warning);
    }

    private static void requireNonEmpty(BatchSource data) {
        if (data.size() == 0) {
            throw new SmoothcalException("expected at least one image in " + data.name() + ", found an empty split");
        }
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ..., " + names.get(names.size() - 1);
    }

    private static void requireLabels(BatchSource data, int k) {
        int maxLabel = Arrays.stream(data.labels()).max().orElse(0);
        if (maxLabel >= k) {
            throw new SmoothcalException("data " + data.name() + " has labels up to " + maxLabel
                    + " but the model outputs " + k + " classes; expected labels in [0, " + (k - 1) + "]");
        }
        if (k != data.classNames().size()) {
            throw new SmoothcalException("the model outputs " + k + " classes but data " + data.name() + " has "
                    + data.classNames().size() + " (" + abbreviated(data.classNames()) + "); expected a model with one output "
                    + "per class of the data");
        }
    }
}
