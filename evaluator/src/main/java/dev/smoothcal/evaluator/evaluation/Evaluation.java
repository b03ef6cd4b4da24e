package dev.smoothcal.evaluator.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Fingerprint;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.evaluator.calibration.CalibratedModel;
import dev.smoothcal.evaluator.calibration.CalibrationData;
import dev.smoothcal.evaluator.calibration.CalibrationFit;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.calibration.FittedCalibrator;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Evaluates one ONNX classifier on one labelled dataset, optionally with a temperature and other
 * calibrators fitted on another split first. The evaluated split is streamed batch by batch; only the fit split's logits are held in
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
     * Checks, before any work, that the model of {@code request} can run on its data: the split is not
     * empty, the model file (or run directory) is readable, ONNX Runtime opens it, its input takes the
     * data's images and its output has one score per class of the data. Opens and closes one session and
     * reads no image; {@link #run} checks the same again. For callers that run several models and should
     * fail before the first one's work (a comparison).
     *
     * @param request the evaluation to check
     * @throws SmoothcalException as {@link #run} would for that model or data
     */
    public static void requireRunnable(EvaluationRequest request) {
        BatchSource data = request.data();
        requireNonEmpty(data);
        try (ImageClassifier classifier = ImageClassifier.open(ModelSource.onnxFile(request.model()), data.shape(),
                request.inference(), request.provider())) {
            requireLabels(data, classifier.numClasses());
        }
    }

    /**
     * Runs the model over the data in batches, streaming the probabilities into the metric accumulators.
     * With {@link EvaluationRequest#calibrateOn()} a temperature and every requested calibrator are fitted
     * on that split first (its logits held in memory); the report's {@code temperature} compares NLL and
     * ECE of the evaluated split before and after T, and its {@code calibration} lists every calibrator's
     * fit and metrics on the evaluated split (all through {@link MetricsAccumulator}, with the same
     * bootstrap). A fit on the data the model was trained on ({@link RunProvenance#isTrainingData}) is
     * refused unless {@link EvaluationRequest#trainingData()} allows it, and then flagged. With
     * {@link EvaluationRequest#exportCalibrated()} the calibrated model is written and run on the
     * evaluated split; its probabilities must equal the Java calibrator's within
     * {@value #EXPORT_TOLERANCE}, else the file is removed and the run fails.
     *
     * @param request what to evaluate and how
     * @param listener hears the phases, progress, notes (for example a CUDA fallback) and each batch's
     *     probabilities of the evaluated split (uncalibrated), in order
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException for an empty split, a model that cannot take the data, labels the
     *     model cannot output, a refused fit on training data, or an export that fails its check
     */
    public static EvaluationReport run(EvaluationRequest request, EvaluationListener listener) {
        request.checkCalibrationChoices();
        BatchSource data = request.data();
        requireNonEmpty(data);
        Path file = ModelSource.onnxFile(request.model());
        // the fit split is held in memory: the fits need all its logits, and its fingerprint is checked first
        Dataset fitData = request.calibrateOn().map(BatchSource::toDataset).orElse(null);
        String trainingWarning = fitData == null ? null : checkTrainingData(request, fitData);
        try (ImageClassifier classifier = ImageClassifier.open(file, data.shape(), request.inference(),
                request.provider())) {
            ClassifierSession session = classifier.session();
            session.notes().forEach(listener::note);
            int k = classifier.numClasses();
            requireLabels(data, k);
            TemperatureFit fit = null;
            List<FittedCalibrator> fitted = new ArrayList<>();
            if (fitData != null) {
                String purpose = request.calibrators().isEmpty() ? "the temperature" : "the calibrators";
                listener.phase("scoring " + fitData.name() + " for " + purpose, fitData.size());
                CalibrationData fitLogits = fitLogits(classifier, fitData, listener);
                listener.phase("fitting the temperature on " + fitData.name(), 0);
                fit = TemperatureScaling.fit(fitLogits.logits(), fitLogits.labels(), fitLogits.size(), k);
                if (fit.position() != TemperatureFit.Position.INSIDE) {
                    listener.note(String.format(Locale.ROOT, "the temperature stopped at the end of its bracket "
                            + "(T = %.4g, %s)", fit.temperature(), fit.position().name().toLowerCase(Locale.ROOT)));
                }
                if (!request.calibrators().isEmpty()) {
                    listener.phase("fitting the calibrators on " + fitData.name(), 0);
                }
                for (CalibrationMethod method : request.calibrators()) {
                    FittedCalibrator f = method.fit(fitLogits, request.calibrationSettings());
                    if (f.fit().convergence() == CalibrationFit.Convergence.ITERATION_LIMIT) {
                        listener.note(method.id() + ": the fit stopped at its iteration limit ("
                                + f.fit().iterations() + ") before converging");
                    }
                    fitted.add(f);
                }
            }
            double t = fit == null ? Double.NaN : fit.temperature();
            MetricsConfig config = new MetricsConfig(k, request.bins(), List.of(1, 5), request.bootstrapReplicates(),
                    request.seed());
            MetricsAccumulator asIs = new MetricsAccumulator(config);
            MetricsAccumulator tempered = new MetricsAccumulator(config.withoutBootstrap());
            List<MetricsAccumulator> calibrated = new ArrayList<>();
            fitted.forEach(f -> calibrated.add(new MetricsAccumulator(config)));
            int exported = request.exportCalibrated()
                    .map(e -> request.calibrators().indexOf(e.calibrator())).orElse(-1);
            float[] reference = exported < 0 ? null : new float[data.size() * k];
            listener.phase("evaluating", data.size());
            // [time the first batch ended, its images]: the throughput is timed from there (see Throughput)
            long[] warm = {System.nanoTime(), 0};
            Fingerprint fingerprint = Fingerprint.start(data.shape(), data.classNames(), data.labels());
            classifier.predict(data, Shard.all(data.size()), (input, batch) -> {
                int from = batch.from();
                int count = batch.count();
                int[] labels = input.labels();
                fingerprint.accept(input.pixels(), 0, input.pixels().length);
                asIs.accept(batch.probabilities(), labels, count);
                float[] z = TemperatureScaling.logits(batch.raw(), classifier.outputKind());
                if (!Double.isNaN(t)) {
                    tempered.accept(TemperatureScaling.temperedProbabilities(z, count, k, t), labels, count);
                }
                for (int i = 0; i < fitted.size(); i++) {
                    double[] p = fitted.get(i).calibrator().probabilities(z, count);
                    calibrated.get(i).accept(p, labels, count);
                    if (i == exported) {
                        for (int j = 0; j < count * k; j++) {
                            reference[from * k + j] = (float) p[j];
                        }
                    }
                }
                listener.predictions(from, count, batch.probabilities(), k);
                listener.progress(from + count);
                if (from == 0 && count < data.size()) {
                    warm[0] = System.nanoTime();
                    warm[1] = count;
                }
            });
            double seconds = (System.nanoTime() - warm[0]) / 1e9;
            Map<String, JsonNode> provenance = provenance(session.metadata());
            EvaluationReport.ModelInfo model = new EvaluationReport.ModelInfo(file.toString(), session.inputName(),
                    Arrays.stream(session.inputShape()).boxed().toList(),
                    classifier.layout().name().toLowerCase(Locale.ROOT), classifier.outputName(),
                    classifier.outputKind().name().toLowerCase(Locale.ROOT),
                    session.provider().name().toLowerCase(Locale.ROOT), provenance);
            String dataFingerprint = fingerprint.result();
            EvaluationReport.DataInfo dataInfo = new EvaluationReport.DataInfo(data.name(), data.size(),
                    dataFingerprint, data.classNames());
            EvaluationReport.Throughput throughput = new EvaluationReport.Throughput(request.inference().batchSize(),
                    seconds, (data.size() - warm[1]) / Math.max(seconds, 1e-9), (int) warm[1]);
            MetricsResult before = asIs.result();
            String warning = fitData == null ? null : warning(fitData, dataFingerprint, trainingWarning);
            EvaluationReport.Temperature temperature = fit == null ? null
                    : temperature(fit, fitData, before, tempered.result(), warning);
            List<EvaluationReport.Calibration> calibration = new ArrayList<>();
            for (int i = 0; i < fitted.size(); i++) {
                FittedCalibrator f = fitted.get(i);
                MetricsResult m = calibrated.get(i).result();
                calibration.add(new EvaluationReport.Calibration(f.method().id(), fitData.name(), fitData.size(),
                        f.fit(), f.calibrator().parameters(), m.accuracy(), m.negativeLogLikelihood(), m.brierScore(),
                        m.expectedCalibrationError(), m.classwiseCalibrationError(), m.maximumCalibrationError(),
                        m.calibrationErrorL2(), m.smoothCalibrationError(), m.bootstrap(), m.reliabilityBins(), warning));
            }
            EvaluationReport.ExportCheck export = exported < 0 ? null
                    : export(request, classifier, file, fitted.get(exported), fitData.name(), reference, listener);
            return EvaluationReport.of(model, dataInfo, before, temperature, calibration, export, throughput);
        }
    }

    /**
     * Largest accepted {@code |p_exported - p_java|} of an exported calibrated model: float32 inference
     * against the double-precision calibrator, with room for a probability within float rounding of a
     * histogram bin edge.
     */
    public static final double EXPORT_TOLERANCE = 1e-4;

    /**
     * The warning a calibration fit on {@code fitData} carries in the report, or null for none: a fit on the
     * model's training data (refused unless {@link EvaluationRequest#trainingData()} allows it), or on the
     * evaluated split itself (optimistic after-values). Engines that evaluate elsewhere (Spark) use it to word
     * the report as {@link #run} does.
     *
     * @param request the request, for the model's run record and the training-data policy
     * @param fitData the data the calibrators are fitted on
     * @param evaluatedFingerprint the fingerprint of the evaluated split
     * @return the warning, or null
     * @throws SmoothcalException naming {@code calibrateOn} for a fit on training data that is not allowed
     */
    public static String calibrationWarning(EvaluationRequest request, Dataset fitData, String evaluatedFingerprint) {
        return warning(fitData, evaluatedFingerprint, checkTrainingData(request, fitData));
    }

    /** Refuses (or, when allowed, flags) a fit on the data the model was trained on. */
    private static String checkTrainingData(EvaluationRequest request, Dataset fitData) {
        Optional<RunProvenance> run = RunProvenance.of(request.model());
        if (run.isEmpty() || !run.get().isTrainingData(fitData)) {
            return null;
        }
        String what = fitData.name() + " is the data the model was trained on (fingerprint "
                + fitData.fingerprint() + ")";
        if (request.trainingData() == EvaluationRequest.TrainingDataPolicy.REFUSE) {
            throw SmoothcalException.invalid("calibrateOn", "must be held-out data, found that " + what
                    + "; fit on the run's validation split, or force the fit on training data");
        }
        return "fitted on the model's training data (" + what + ", forced): the calibrators learn the "
                + "training fit, not how the model errs on new data, and their after-values are not trustworthy";
    }

    private static String warning(Dataset fitData, String dataFingerprint, String trainingWarning) {
        if (trainingWarning != null) {
            return trainingWarning;
        }
        return fitData.fingerprint().equals(dataFingerprint)
                ? "the temperature was fitted on the evaluated split itself, so the after-values "
                        + "are optimistic; fit on a held-out split for an honest estimate"
                : null;
    }

    private static EvaluationReport.ExportCheck export(EvaluationRequest request, ImageClassifier classifier,
            Path file, FittedCalibrator fitted, String fittedOn, float[] reference, EvaluationListener listener) {
        Path target = request.exportCalibrated().orElseThrow().file();
        CalibratedModel.export(file, target, classifier.outputName(), classifier.outputKind(), fitted, fittedOn);
        BatchSource data = request.data();
        int k = classifier.numClasses();
        InferenceOptions options = new InferenceOptions(request.inference().batchSize(),
                Optional.of(classifier.layout()), Optional.of(classifier.outputName()),
                Optional.of(classifier.outputKind()), request.inference().preprocessing(),
                request.inference().spinning());
        double[] worst = {0};
        listener.phase("checking the exported model", data.size());
        try (ImageClassifier exported = ImageClassifier.open(target, data.shape(), options, request.provider())) {
            exported.predict(data, Shard.all(data.size()), (input, batch) -> {
                float[] p = batch.probabilities();
                int offset = batch.from() * k;
                for (int j = 0; j < batch.count() * k; j++) {
                    worst[0] = Math.max(worst[0], Math.abs(p[j] - reference[offset + j]));
                }
                listener.progress(batch.from() + batch.count());
            });
        }
        if (!(worst[0] <= EXPORT_TOLERANCE)) {
            try {
                java.nio.file.Files.deleteIfExists(target);
            } catch (java.io.IOException e) {
                listener.note("could not remove " + target + ": " + e.getMessage());
            }
            throw SmoothcalException.checkFailed(String.format(Locale.ROOT, "the exported %s model's probabilities "
                    + "differ from the calibrator's by up to %.3g on %s, expected at most %.1g; nothing was written",
                    fitted.method().id(), worst[0], data.name(), EXPORT_TOLERANCE));
        }
        return new EvaluationReport.ExportCheck(target.toString(), fitted.method().id(), data.size(), worst[0],
                EXPORT_TOLERANCE);
    }

    /**
     * The {@code smoothcal.*} metadata of a model, run.json left out: values as text, the class names as the
     * JSON array they are written as (text when they are not one, as in a foreign or hand-made file). This is
     * report.json's {@code model.provenance}, whichever engine evaluated.
     *
     * @param metadata a model's {@code metadata_props}
     * @return the smoothcal keys and their values, sorted by key
     */
    public static Map<String, JsonNode> provenance(Map<String, String> metadata) {
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

    private static CalibrationData fitLogits(ImageClassifier classifier, Dataset fitData,
            EvaluationListener listener) {
        requireNonEmpty(BatchSource.of(fitData));
        int k = classifier.numClasses();
        requireLabels(BatchSource.of(fitData), k);
        GrowingFloats logits = new GrowingFloats();
        classifier.predictBatches(fitData, batch -> {
            logits.add(TemperatureScaling.logits(batch.raw(), classifier.outputKind()), batch.count() * k);
            listener.progress(batch.from() + batch.count());
        });
        return new CalibrationData(logits.toArray(), fitData.labels(), k);
    }

    private static EvaluationReport.Temperature temperature(TemperatureFit fit, Dataset fitData,
            MetricsResult before, MetricsResult after, String warning) {
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
        if (k < 2) {
            throw new SmoothcalException("expected a classifier with at least 2 output classes, found a model with " + k
                    + " (its scores cannot be calibrated probabilities over classes)");
        }
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
