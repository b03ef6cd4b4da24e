package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.evaluator.calibration.CalibrationData;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.calibration.Calibrator;
import dev.smoothcal.evaluator.calibration.FittedCalibrator;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
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
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
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
     * indices, with the report {@link Evaluation#run} writes. With {@link EvaluationRequest#calibrateOn()} the
     * temperature is fitted on Spark ({@link SparkTemperatureScaling}: the same T as in one JVM, the driver
     * holding no logit); with {@link EvaluationRequest#calibrators()} the fit split's logits are scored on
     * Spark and collected on the driver ({@code 4 * K} bytes a fit sample), T and every calibrator are fitted
     * there as in one JVM, and the partitions apply them to the evaluated split, each into its own
     * accumulators. A {@link SparkFiles} split is read on the executors, each partition its own range of
     * whole batches, and its fingerprint is computed in one more task beside them: the driver holds none of
     * its pixels. Any other source, and the fit split always (it is small), is read into the driver's memory
     * first ({@link dev.smoothcal.core.data.BatchSource#toDataset()}, within the default memory budget) and
     * its arrays are broadcast to the partitions.
     *
     * @param spark the session to run on
     * @param request the request, as {@link Evaluation#run} takes it, without a calibrated export
     * @param partitions how many partitions, at least 1 (of the fit split too)
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException naming {@code exportCalibrated} when the request asks for an export (not on
     *     Spark yet), naming {@code calibrateOn} for a fit on the model's training data that is not forced,
     *     and as {@link #run(SparkSession, SparkEvaluationRequest)}
     */
    public static EvaluationReport run(SparkSession spark, EvaluationRequest request, int partitions) {
        request.checkCalibrationChoices();
        if (partitions < 1) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, found " + partitions);
        }
        if (request.exportCalibrated().isPresent()) {
            throw SmoothcalException.invalid("exportCalibrated", "is not supported on Spark yet (its check runs the "
                    + "exported model over the evaluated split in one JVM): evaluate in one JVM to export, found "
                    + request.exportCalibrated().get().file());
        }
        Dataset fitData = request.calibrateOn().map(BatchSource::toDataset).orElse(null);
        if (fitData != null) {
            Evaluation.calibrationWarning(request, fitData, null); // refuses a fit on training data before any job
        }
        if (request.data().size() == 0) {
            throw new SmoothcalException("expected at least one image in " + request.data().name()
                    + ", found an empty split");
        }
        Job job;
        if (request.data() instanceof SparkFiles files) {
            job = Job.of(spark, files, partitions, request.inference().batchSize());
        } else {
            job = Job.of(SparkSamples.of(spark, request.data().toDataset(), partitions));
        }
        Settings settings = new Settings(request.model(), request.inference(), request.provider(), request.bins(),
                request.bootstrapReplicates(), request.seed());
        if (fitData == null) {
            return evaluate(spark, settings, job, null, List.of(), null, null);
        }
        SparkSamples fitRows = SparkSamples.of(spark, fitData, partitions);
        TemperatureFit fit;
        List<FittedCalibrator> fitted = new ArrayList<>();
        if (request.calibrators().isEmpty()) {
            fit = SparkTemperatureScaling.fit(spark, request.model(), fitRows, request.inference(), request.provider());
        } else {
            // the calibrators need every logit: collected once, T fitted on them as in one JVM (the same T)
            CalibrationData logits = SparkCalibration.fitLogits(spark, request.model(), fitRows, request.inference(),
                    request.provider());
            fit = TemperatureScaling.fit(logits.logits(), logits.labels(), logits.size(), logits.numClasses());
            for (CalibrationMethod method : request.calibrators()) {
                fitted.add(method.fit(logits, request.calibrationSettings()));
            }
        }
        return evaluate(spark, settings, job, fit, fitted, fitData,
                fingerprint -> Evaluation.calibrationWarning(request, fitData, fingerprint));
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
        Settings settings = new Settings(request.model(), request.inference(), request.provider(), request.bins(),
                request.bootstrapReplicates(), request.seed());
        return evaluate(spark, settings, Job.of(request.samples()), null, List.of(), null, null);
    }

    /** How to run the model and what to compute, whatever the samples. */
    private record Settings(Path model, InferenceOptions inference, ExecutionProvider provider, int bins,
            int bootstrapReplicates, long seed) {
    }

    /**
     * The samples as one Spark job: what the report says about them, and the job that gives one
     * {@link Segment} per run of consecutive indices.
     */
    private record Job(String name, ImageShape shape, List<String> classNames, int[] labels,
            Function<JavaSparkContext, Supplier<String>> fingerprint, Segments segments) {
        /** Rows: evaluated row by row ({@link PartitionEvaluator}); their fingerprint is known or null. */
        static Job of(SparkSamples samples) {
            return new Job(samples.name(), samples.shape(), samples.classNames(), null,
                    jsc -> samples::fingerprint, (jsc, model, spec, config, t, calibrators) -> samples.beans()
                            .javaRDD().mapPartitions(new PartitionEvaluator(model, spec, config, t, calibrators)));
        }

        /**
         * Files: each partition reads its shard of whole batches ({@link ShardEvaluator}); the fingerprint is
         * a pass over the split in one task of its own, run beside the evaluation.
         */
        static Job of(SparkSession spark, SparkFiles files, int partitions, int batchSize) {
            FileSpec spec = files.spec();
            List<int[]> shards = files.shards(partitions, batchSize);
            return new Job(files.name(), files.shape(), files.classNames(), files.labels(), jsc -> {
                JavaFutureAction<List<String>> pass = jsc.parallelize(List.of(0), 1)
                        .map(x -> ExecutorSources.source(spec).fingerprint()).collectAsync();
                return () -> {
                    try {
                        return pass.get().get(0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw SmoothcalException.backend("interrupted while fingerprinting " + files.name(), e);
                    } catch (ExecutionException e) {
                        throw SparkFailures.translate(e);
                    }
                };
            }, (jsc, model, spec2, config, t, calibrators) -> jsc.parallelize(shards, shards.size())
                    .mapPartitions(new ShardEvaluator(spec, model, spec2, config, t, calibrators)));
        }
    }

    /** Makes the job of {@link Segment}s. */
    @FunctionalInterface
    private interface Segments {
        JavaRDD<Segment> of(JavaSparkContext jsc, Broadcast<byte[]> model, InferenceSpec spec, MetricsConfig config,
                double temperature, List<Calibrator> calibrators);
    }

    /**
     * The evaluation, also after the temperature {@code fit} (null for none) and the {@code fitted}
     * calibrators, fitted on {@code fitData}, the warning worded from the evaluated split's fingerprint by
     * {@code warning}.
     */
    private static EvaluationReport evaluate(SparkSession spark, Settings request, Job samples, TemperatureFit fit,
            List<FittedCalibrator> fitted, Dataset fitData, Function<String, String> warning) {
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
        if (samples.labels() != null) {
            requireLabels(samples, k);
        }
        MetricsConfig config = new MetricsConfig(k, request.bins(), List.of(1, 5), request.bootstrapReplicates(),
                request.seed());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> broadcast = jsc.broadcast(bytes);
        double t = fit == null ? Double.NaN : fit.temperature();
        long started = System.nanoTime();
        List<Segment> segments;
        String fingerprint;
        try {
            Supplier<String> pass = samples.fingerprint().apply(jsc);
            List<Calibrator> calibrators = fitted.stream().map(FittedCalibrator::calibrator).toList();
            segments = new ArrayList<>(samples.segments().of(jsc, broadcast, spec, config, t, calibrators).collect());
            fingerprint = pass.get();
        } catch (SmoothcalException e) {
            throw e;
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
        EvaluationReport.DataInfo data = new EvaluationReport.DataInfo(samples.name(), n, fingerprint,
                samples.classNames());
        EvaluationReport.Throughput throughput = new EvaluationReport.Throughput(request.inference().batchSize(),
                seconds, n / Math.max(seconds, 1e-9));
        MetricsResult before = all.result();
        EvaluationReport.Temperature temperature = null;
        List<EvaluationReport.Calibration> calibration = new ArrayList<>();
        if (fit != null) {
            MetricsAccumulator tempered = segments.get(0).tempered();
            for (Segment s : segments.subList(1, segments.size())) {
                tempered.combine(s.tempered());
            }
            MetricsResult after = tempered.result();
            String warned = warning.apply(fingerprint);
            temperature = new EvaluationReport.Temperature(fit.temperature(), fitData.name(), fit.samples(),
                    fit.position().name().toLowerCase(Locale.ROOT), fit.nllUntempered(), fit.nllTempered(),
                    before.negativeLogLikelihood(), after.negativeLogLikelihood(), before.expectedCalibrationError(),
                    after.expectedCalibrationError(), after.reliabilityBins(), warned);
            for (int i = 0; i < fitted.size(); i++) {
                MetricsAccumulator calibrated = segments.get(0).calibrated().get(i);
                for (Segment s : segments.subList(1, segments.size())) {
                    calibrated.combine(s.calibrated().get(i));
                }
                FittedCalibrator f = fitted.get(i);
                MetricsResult m = calibrated.result();
                calibration.add(new EvaluationReport.Calibration(f.method().id(), fitData.name(), fitData.size(),
                        f.fit(), f.calibrator().parameters(), m.accuracy(), m.negativeLogLikelihood(), m.brierScore(),
                        m.expectedCalibrationError(), m.classwiseCalibrationError(), m.maximumCalibrationError(),
                        m.calibrationErrorL2(), m.smoothCalibrationError(), m.bootstrap(), m.reliabilityBins(), warned));
            }
        }
        return EvaluationReport.of(model, data, before, temperature, calibration, null, throughput);
    }

    /** The single-JVM evaluation's checks of the labels and class names against the model's {@code k} outputs. */
    private static void requireLabels(Job samples, int k) {
        int maxLabel = Arrays.stream(samples.labels()).max().orElse(0);
        if (maxLabel >= k) {
            throw new SmoothcalException("data " + samples.name() + " has labels up to " + maxLabel
                    + " but the model outputs " + k + " classes; expected labels in [0, " + (k - 1) + "]");
        }
        if (k != samples.classNames().size()) {
            throw new SmoothcalException("the model outputs " + k + " classes but data " + samples.name() + " has "
                    + samples.classNames().size() + " classes; expected a model with one output per class of the data");
        }
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
