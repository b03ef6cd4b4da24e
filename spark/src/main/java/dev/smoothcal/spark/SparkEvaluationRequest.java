package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;

/**
 * What to evaluate on Spark and how: the settings of an {@link EvaluationRequest} with the samples as Spark
 * rows. Made with {@link #of(Path, SparkSamples)} (the defaults) or {@link #from(EvaluationRequest, SparkSamples)}
 * (the settings of a single-JVM request).
 *
 * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}; read on the driver
 * @param samples the labelled images
 * @param inference how to feed the model (batch size, layout, output, preprocessing)
 * @param provider where ONNX Runtime runs on each executor
 * @param bins equal-width bins (and equal-mass groups) of the calibration errors, in [1, 1000]
 * @param bootstrapReplicates Poisson-bootstrap replicates for 95% intervals, in [0, 100000], 0 = off
 * @param seed seed of the bootstrap
 */
public record SparkEvaluationRequest(Path model, SparkSamples samples, InferenceOptions inference,
        ExecutionProvider provider, int bins, int bootstrapReplicates, long seed) {
    /**
     * Validates every component; the messages name the parameter.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param samples the labelled images
     * @param inference how to feed the model
     * @param provider where ONNX Runtime runs
     * @param bins equal-width bins of the calibration errors
     * @param bootstrapReplicates Poisson-bootstrap replicates; 0 = off
     * @param seed seed of the bootstrap
     * @throws SmoothcalException naming the parameter when a component is missing or out of range
     */
    public SparkEvaluationRequest {
        if (model == null) {
            throw SmoothcalException.invalid("model", "must be an .onnx file or a run directory, found none");
        }
        if (samples == null) {
            throw SmoothcalException.invalid("data", "must be labelled samples, found none");
        }
        if (inference == null || provider == null) {
            throw SmoothcalException.defect("Spark evaluation request without inference options or provider");
        }
        if (bins < 1 || bins > MetricsConfig.MAX_BINS) {
            throw SmoothcalException.invalid("bins", "must be in [1, " + MetricsConfig.MAX_BINS + "], found " + bins);
        }
        if (bootstrapReplicates < 0 || bootstrapReplicates > MetricsConfig.MAX_BOOTSTRAP_REPLICATES) {
            throw SmoothcalException.invalid("bootstrapReplicates", "must be in [0, "
                    + MetricsConfig.MAX_BOOTSTRAP_REPLICATES + "], found " + bootstrapReplicates);
        }
    }

    /**
     * A request with the defaults of {@link EvaluationRequest#of}: batch 256, layout and output detected,
     * provider auto, 15 bins, 200 bootstrap replicates seeded with 0.
     *
     * @param model an {@code .onnx} file or run directory
     * @param samples the labelled images
     * @return the request
     */
    public static SparkEvaluationRequest of(Path model, SparkSamples samples) {
        return new SparkEvaluationRequest(model, samples, InferenceOptions.DEFAULTS, ExecutionProvider.AUTO,
                MetricsConfig.DEFAULT_BINS, MetricsConfig.DEFAULT_BOOTSTRAP_REPLICATES,
                EvaluationRequest.DEFAULT_SEED);
    }

    /**
     * The settings of a single-JVM request (its data replaced by {@code samples}).
     *
     * @param request model, inference, provider, bins, bootstrap and seed to use; it must not ask for
     *     temperature scaling, which needs the fit split too ({@link SparkEvaluation#run(org.apache.spark.sql.SparkSession,
     *     EvaluationRequest, int)} fits it on Spark)
     * @param samples the labelled images
     * @return the request
     * @throws SmoothcalException naming {@code calibrateOn} when the request asks for a temperature
     */
    public static SparkEvaluationRequest from(EvaluationRequest request, SparkSamples samples) {
        if (request.calibrateOn().isPresent()) {
            throw SmoothcalException.invalid("calibrateOn", "needs its fit split on Spark too: evaluate the "
                    + "EvaluationRequest itself with SparkEvaluation.run(spark, request, partitions), found a request "
                    + "to spread over samples alone");
        }
        return new SparkEvaluationRequest(request.model(), samples, request.inference(), request.provider(),
                request.bins(), request.bootstrapReplicates(), request.seed());
    }
}
