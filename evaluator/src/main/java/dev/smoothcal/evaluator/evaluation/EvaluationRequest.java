package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What to evaluate and how.
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
 */
public record EvaluationRequest(Path model, Dataset data, InferenceOptions inference, ExecutionProvider provider,
        int bins, int bootstrapReplicates, long seed, Optional<Dataset> calibrateOn) {
    /**
     * Checks that every component is present.
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
     * @throws SmoothcalException if a component is null
     */
    public EvaluationRequest {
        if (model == null || data == null || inference == null || provider == null || calibrateOn == null) {
            throw new SmoothcalException("evaluation needs a model, data, inference options, a provider and a "
                    + "calibration choice (empty for none)");
        }
    }

    /**
     * A request without temperature scaling.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param data the labelled images
     * @param inference how to feed the model
     * @param provider where ONNX Runtime runs
     * @param bins equal-width bins (and equal-mass groups) of the calibration errors
     * @param bootstrapReplicates Poisson-bootstrap replicates for 95% intervals; 0 = off
     * @param seed seed of the bootstrap
     */
    public EvaluationRequest(Path model, Dataset data, InferenceOptions inference, ExecutionProvider provider,
            int bins, int bootstrapReplicates, long seed) {
        this(model, data, inference, provider, bins, bootstrapReplicates, seed, Optional.empty());
    }

    /**
     * This request with a temperature fitted on {@code fitData}.
     *
     * @param fitData the split to fit the temperature on
     * @return a new request; this one is unchanged
     */
    public EvaluationRequest withCalibration(Dataset fitData) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed,
                Optional.of(fitData));
    }
}
