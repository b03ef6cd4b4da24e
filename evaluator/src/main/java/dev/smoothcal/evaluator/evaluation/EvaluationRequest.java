package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What to evaluate and how: an immutable request, made with {@link #of(Path, Dataset)} and changed with
 * its {@code with...} methods.
 *
 * <pre>{@code
 * EvaluationRequest request = EvaluationRequest.of(Path.of("model.onnx"), test)
 *         .withBins(15).withBootstrapReplicates(200).withCalibration(validation);
 * }</pre>
 *
 * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
 * @param data the labelled images, streamed batch by batch (an in-memory {@link Dataset} through
 *     {@link #of(Path, Dataset)}, or a {@link BatchSource} reading from files)
 * @param inference how to feed the model (default {@link InferenceOptions#DEFAULTS}: batch 256, all detected)
 * @param provider where ONNX Runtime runs (default {@link ExecutionProvider#AUTO})
 * @param bins equal-width bins (and equal-mass groups) of the calibration errors, in [1, 1000] (default 15)
 * @param bootstrapReplicates Poisson-bootstrap replicates for 95% intervals, in [0, 100000], 0 = off (default 200)
 * @param seed seed of the bootstrap (default 0)
 * @param calibrateOn the split to fit a temperature on (see
 *     {@link dev.smoothcal.evaluator.calibration.TemperatureScaling}), or empty for no temperature scaling
 */
public record EvaluationRequest(Path model, BatchSource data, InferenceOptions inference, ExecutionProvider provider,
        int bins, int bootstrapReplicates, long seed, Optional<BatchSource> calibrateOn) {
    /** Default seed of the bootstrap. */
    public static final long DEFAULT_SEED = 0;

    /**
     * Validates every component; the messages name the parameter.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param data the labelled images
     * @param inference how to feed the model
     * @param provider where ONNX Runtime runs
     * @param bins equal-width bins (and equal-mass groups) of the calibration errors
     * @param bootstrapReplicates Poisson-bootstrap replicates for 95% intervals; 0 = off
     * @param seed seed of the bootstrap
     * @param calibrateOn the split to fit a temperature on (see
     *     {@link dev.smoothcal.evaluator.calibration.TemperatureScaling}), or empty for no temperature scaling
     * @throws SmoothcalException naming the parameter when a component is missing or out of range
     */
    public EvaluationRequest {
        if (model == null) {
            throw SmoothcalException.invalid("model", "must be an .onnx file or a run directory, found none");
        }
        if (data == null) {
            throw SmoothcalException.invalid("data", "must be a labelled dataset, found none");
        }
        if (inference == null || provider == null || calibrateOn == null) {
            throw SmoothcalException.defect("evaluation request without inference options, provider or calibration "
                    + "choice (empty for none)");
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
     * A request with the defaults: batch 256 with layout and output detected, provider auto, 15 bins, 200
     * bootstrap replicates seeded with 0, no temperature scaling.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param data the labelled images
     * @return the request
     */
    public static EvaluationRequest of(Path model, Dataset data) {
        return of(model, data == null ? null : BatchSource.of(data));
    }

    /**
     * A request with the defaults of {@link #of(Path, Dataset)} on a streamed source: memory stays bounded by
     * the batch size, whatever the number of images.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param data the labelled images, read in order
     * @return the request
     */
    public static EvaluationRequest of(Path model, BatchSource data) {
        return new EvaluationRequest(model, data, InferenceOptions.DEFAULTS, ExecutionProvider.AUTO,
                MetricsConfig.DEFAULT_BINS, MetricsConfig.DEFAULT_BOOTSTRAP_REPLICATES, DEFAULT_SEED, Optional.empty());
    }

    /**
     * This request for another model, everything else kept.
     *
     * @param other an {@code .onnx} file or run directory
     * @return the changed request
     */
    public EvaluationRequest withModel(Path other) {
        return new EvaluationRequest(other, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn);
    }

    /**
     * This request with other inference options.
     *
     * @param options how to feed the model
     * @return the changed request
     */
    public EvaluationRequest withInference(InferenceOptions options) {
        return new EvaluationRequest(model, data, options, provider, bins, bootstrapReplicates, seed, calibrateOn);
    }

    /**
     * This request on another execution provider.
     *
     * @param where where ONNX Runtime runs
     * @return the changed request
     */
    public EvaluationRequest withProvider(ExecutionProvider where) {
        return new EvaluationRequest(model, data, inference, where, bins, bootstrapReplicates, seed, calibrateOn);
    }

    /**
     * This request with {@code count} calibration bins.
     *
     * @param count bins, in [1, {@value MetricsConfig#MAX_BINS}]
     * @return the changed request
     */
    public EvaluationRequest withBins(int count) {
        return new EvaluationRequest(model, data, inference, provider, count, bootstrapReplicates, seed, calibrateOn);
    }

    /**
     * This request with {@code replicates} bootstrap replicates (0 = no intervals).
     *
     * @param replicates in [0, {@value MetricsConfig#MAX_BOOTSTRAP_REPLICATES}]
     * @return the changed request
     */
    public EvaluationRequest withBootstrapReplicates(int replicates) {
        return new EvaluationRequest(model, data, inference, provider, bins, replicates, seed, calibrateOn);
    }

    /**
     * This request with another bootstrap seed.
     *
     * @param bootstrapSeed the seed
     * @return the changed request
     */
    public EvaluationRequest withSeed(long bootstrapSeed) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, bootstrapSeed,
                calibrateOn);
    }

    /**
     * This request with a temperature fitted on {@code fitData}.
     *
     * @param fitData labelled images to fit the temperature on; a held-out split, not the evaluated one
     * @return the changed request
     */
    public EvaluationRequest withCalibration(Dataset fitData) {
        return withCalibration(BatchSource.of(fitData));
    }

    /**
     * This request with a temperature fitted on a streamed {@code fitData} (its logits, K floats a sample,
     * are held for the fit).
     *
     * @param fitData labelled images to fit the temperature on
     * @return the changed request
     */
    public EvaluationRequest withCalibration(BatchSource fitData) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed,
                Optional.of(fitData));
    }
}
