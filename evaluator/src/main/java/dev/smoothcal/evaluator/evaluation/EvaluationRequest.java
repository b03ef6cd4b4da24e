package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;

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
 */
public record EvaluationRequest(Path model, Dataset data, InferenceOptions inference, ExecutionProvider provider,
        int bins, int bootstrapReplicates, long seed) {
    public EvaluationRequest {
        if (model == null || data == null || inference == null || provider == null) {
            throw new SmoothcalException("evaluation needs a model, data, inference options and a provider");
        }
    }
}
