package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluates an ONNX classifier over Spark rows and returns the same {@link EvaluationReport}
 * ({@code report.json}) as the single-JVM {@link dev.smoothcal.evaluator.evaluation.Evaluation}.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().master("local[*]").getOrCreate();
 * EvaluationReport report = SparkEvaluation.run(spark, EvaluationRequest.of(Path.of("model.onnx"), test), 8);
 * }</pre>
 *
 * <p>The driver opens the model once (to resolve layout, output and class count, and fail early), then
 * broadcasts its bytes; each executor JVM opens one ONNX Runtime session for it, shared by all its tasks.
 * Each partition feeds its own {@link MetricsAccumulator} started at the global index of its first sample;
 * the driver combines them in index order. Counts, bins and the bootstrap intervals therefore equal the
 * single-JVM evaluation exactly (the bootstrap weights depend on (seed, global index) only); sums of
 * doubles (NLL, Brier, bin confidences) are added in another order and agree within 1e-12 relative
 * (1e-15 to 1e-14 seen).
 * The driver receives one accumulator per partition (O(bins x classes + replicates x bins) each), never
 * the predictions.
 */
public final class SparkEvaluation {
    private SparkEvaluation() {
    }

    /**
     * Evaluates a single-JVM request's dataset on Spark, in {@code partitions} partitions of consecutive
     * indices. With {@link EvaluationRequest#calibrateOn()} the temperature is fitted on Spark too
     * ({@link SparkTemperatureScaling}, the same T as in one JVM) and the report's {@code temperature} section
     * is the single-JVM evaluation's; the other calibrators do not run on Spark yet. The request's
     * sources are read into memory first ({@link dev.smoothcal.core.data.BatchSource#toDataset()}, within the
     * default memory budget): their arrays are what the partitions are broadcast.
     *
     * @param spark the session to run on
     * @param request the request, as {@link dev.smoothcal.evaluator.evaluation.Evaluation#run} takes it, with
     *     no calibrators and no calibrated export
     * @param partitions how many partitions, at least 1 (of the fit split too)
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException naming {@code calibrators} (or {@code calibrator}) when the request asks for
     *     calibrators or an export, naming {@code calibrateOn} for a fit on the model's training data that is
     *     not forced, and as {@link #run(SparkSession, SparkEvaluationRequest)}
     */
    public static EvaluationReport run(SparkSession spark, EvaluationRequest request, int partitions) {
        request.checkCalibrationChoices();
        Dataset data = request.data().toDataset();
        Dataset fitData = request.calibrateOn().map(BatchSource::toDataset).orElse(null);
        if (fitData == null) {
            return run(spark, SparkEvaluationRequest.from(request, SparkSamples.of(spark, data, partitions)));
        }
        if (!request.calibrators().isEmpty()) {
            throw SmoothcalException.invalid("calibrators", "must be empty on Spark (only the temperature is fitted "
                    + "there yet), found " + request.calibrators().stream().map(CalibrationMethod::id).toList());
        }
        String warning = Evaluation.calibrationWarning(request, fitData, data.fingerprint());
        TemperatureFit fit = SparkTemperatureScaling.fit(spark, request.model(), SparkSamples.of(spark, fitData,
                partitions), request.inference(), request.provider());
        SparkEvaluationRequest spread = new SparkEvaluationRequest(request.model(), SparkSamples.of(spark,
                data, partitions), request.inference(), request.provider(), request.bins(),
                request.bootstrapReplicates(), request.seed());
        return evaluate(spark, spread, fit, fitData.name(), warning);
    }

    /**
     * Evaluates {@code request.samples()} on {@code spark}.
     *
     * @param spark the session to run on (the one the samples belong to)
     * @param request what to evaluate and how
     * @return the report, exactly what {@code report.json} holds; {@code throughput.seconds} is the Spark job
     * @throws SmoothcalException for an empty dataset, a model that cannot take the images, a label the
     *     model cannot output, indices that repeat or leave gaps, or a failure of Spark itself (backend)
     */
    public static EvaluationReport run(SparkSession spark, SparkEvaluationRequest request) {
        return evaluate(spark, request, null, null, null);
    }

    /** The evaluation, also after the temperature {@code fit} (null for none) fitted on {@code fittedOn}. */
    private static EvaluationReport evaluate(SparkSession spark, SparkEvaluationRequest request, TemperatureFit fit,
            String fittedOn, String warning) {
        SparkSamples samples = request.samples();
        Path file = ModelSource.onnxFile(request.model());
        byte[] bytes = read(file);
        InferenceSpec spec = InferenceSpec.of(sha256(bytes), samples.shape(), request.inference(),
                request.provider());
        EvaluationReport.ModelInfo model;
        int k;
        try (ImageClassifier classifier = ImageClassifier.open(file, samples.shape(), request.inference(),
                request.provider())) {
            ClassifierSession session = classifier.session();
            k = classifier.numClasses();
            model = new EvaluationReport.ModelInfo(file.toString(), session.inputName(),
                    Arrays.stream(session.inputShape()).boxed().toList(),
                    classifier.layout().name().toLowerCase(Locale.ROOT), classifier.outputName(),
                    classifier.outputKind().name().toLowerCase(Locale.ROOT),
                    session.provider().name().toLowerCase(Locale.ROOT), Evaluation.provenance(session.metadata()));
        }
        MetricsConfig config = new MetricsConfig(k, request.bins(), List.of(1, 5), request.bootstrapReplicates(),
                request.seed());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
        double t = fit == null ? Double.NaN : fit.temperature();
        long started = System.nanoTime();
        List<Segment> segments;
        try {
            segments = new ArrayList<>(samples.beans().javaRDD()
                    .mapPartitions(new PartitionEvaluator(broadcast, spec, config, t)).collect());
        } catch (Exception e) { // SparkException is checked in Java's eyes, thrown undeclared from Scala
            throw SparkFailures.translate(e);
        } finally {
            broadcast.destroy();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        MetricsAccumulator all = combine(segments, samples.name()); // sorts the segments in index order
        if (all.count() > Integer.MAX_VALUE) {
            throw new SmoothcalException("a report counts at most " + Integer.MAX_VALUE + " images, found "
                    + all.count() + " in " + samples.name() + "; evaluate it in parts");
        }
        int n = (int) all.count();
        EvaluationReport.DataInfo data = new EvaluationReport.DataInfo(samples.name(), n, samples.fingerprint(),
                samples.classNames());
        EvaluationReport.Throughput throughput = new EvaluationReport.Throughput(request.inference().batchSize(),
                seconds, n / Math.max(seconds, 1e-9));
        MetricsResult before = all.result();
        EvaluationReport.Temperature temperature = null;
        if (fit != null) {
            MetricsAccumulator tempered = segments.get(0).tempered();
            for (Segment s : segments.subList(1, segments.size())) {
                tempered.combine(s.tempered());
            }
            MetricsResult after = tempered.result();
            temperature = new EvaluationReport.Temperature(fit.temperature(), fittedOn, fit.samples(),
                    fit.position().name().toLowerCase(Locale.ROOT), fit.nllUntempered(), fit.nllTempered(),
                    before.negativeLogLikelihood(), after.negativeLogLikelihood(), before.expectedCalibrationError(),
                    after.expectedCalibrationError(), after.reliabilityBins(), warning);
        }
        return EvaluationReport.of(model, data, before, temperature, List.of(), null, throughput);
    }

    /** Combines the segments in index order; they must tile one range of indices without gaps or repeats. */
    static MetricsAccumulator combine(List<Segment> segments, String name) {
        if (segments.isEmpty()) {
            throw new SmoothcalException("expected at least one image in " + name + ", found an empty split");
        }
        segments.sort(Comparator.comparingLong(Segment::first));
        MetricsAccumulator all = segments.get(0).accumulator();
        long end = segments.get(0).end();
        for (Segment s : segments.subList(1, segments.size())) {
            if (s.first() != end) {
                throw new SmoothcalException(name + ": expected sample indices without gaps or repeats, found "
                        + (s.first() < end ? "index " + s.first() + " more than once"
                                : "no samples with indices " + end + " to " + (s.first() - 1)));
            }
            all.combine(s.accumulator());
            end = s.end();
        }
        return all;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw SmoothcalException.invalid("model", ": could not read " + file + ": " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw SmoothcalException.defect("SHA-256 is required of every JVM", e);
        }
    }
}
