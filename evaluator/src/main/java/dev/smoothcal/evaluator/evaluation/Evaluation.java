package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.metrics.MetricsAccumulator;
import dev.smoothcal.evaluator.metrics.MetricsConfig;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/** Evaluates one ONNX classifier on one labelled dataset. */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Runs the model over the data in batches, streaming the probabilities into the metric accumulators.
     *
     * @param progress receives the number of images done after each batch
     * @param notes receives notes for the user (for example a CUDA fallback)
     * @throws SmoothcalException for an empty split, a model that cannot take the data, or labels the
     *     model cannot output
     */
    public static EvaluationReport run(EvaluationRequest request, IntConsumer progress,
            java.util.function.Consumer<String> notes) {
        Dataset data = request.data();
        if (data.size() == 0) {
            throw new SmoothcalException("expected at least one image in " + data.name() + ", found an empty split");
        }
        Path file = ModelSource.onnxFile(request.model());
        try (ClassifierSession session = ClassifierSession.open(file, request.provider())) {
            session.notes().forEach(notes);
            ImageClassifier classifier = new ImageClassifier(session, data.shape(), request.inference());
            int maxLabel = Arrays.stream(data.labels()).max().orElse(0);
            MetricsAccumulator[] acc = new MetricsAccumulator[1];
            long started = System.nanoTime();
            classifier.predict(data, (from, count, probabilities, k) -> {
                if (acc[0] == null) {
                    if (maxLabel >= k) {
                        throw new SmoothcalException("data " + data.name() + " has labels up to " + maxLabel
                                + " but the model outputs " + k + " classes; expected labels in [0, " + (k - 1) + "]");
                    }
                    acc[0] = new MetricsAccumulator(new MetricsConfig(k, request.bins(), List.of(1, 5),
                            request.bootstrapReplicates(), request.seed()));
                }
                acc[0].accept(probabilities, Arrays.copyOfRange(data.labels(), from, from + count), count);
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
            return EvaluationReport.of(model, dataInfo, acc[0].result(), throughput);
        }
    }
}
