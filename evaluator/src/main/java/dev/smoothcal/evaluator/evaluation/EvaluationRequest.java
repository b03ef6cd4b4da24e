package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.calibration.CalibrationSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
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
 * @param calibrateOn the split to fit a temperature (see
 *     {@link dev.smoothcal.evaluator.calibration.TemperatureScaling}) and the {@code calibrators} on, or empty
 *     for no calibration; {@link RunProvenance#validationSplit()} gives a run's own held-out split
 * @param calibrators the calibrators fitted on {@code calibrateOn} and compared side by side in the report's
 *     {@code calibration} section, each at most once, in the order given (default none: only the
 *     temperature section)
 * @param calibrationSettings knobs of the calibrators (default {@link CalibrationSettings#DEFAULTS})
 * @param trainingData whether a fit on the data the model was trained on is refused (default
 *     {@link TrainingDataPolicy#REFUSE})
 * @param exportCalibrated a calibrated copy of the model to write and check, or empty (default)
 */
public record EvaluationRequest(Path model, BatchSource data, InferenceOptions inference, ExecutionProvider provider,
        int bins, int bootstrapReplicates, long seed, Optional<BatchSource> calibrateOn,
        List<CalibrationMethod> calibrators, CalibrationSettings calibrationSettings, TrainingDataPolicy trainingData,
        Optional<CalibratedExport> exportCalibrated) {
    /** Default seed of the bootstrap. */
    public static final long DEFAULT_SEED = 0;

    /**
     * Validates every component; the messages name the parameter.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @param data the labelled images
     * @param inference how to feed the model (default {@link InferenceOptions#DEFAULTS}: batch 256, all detected)
     * @param provider where ONNX Runtime runs (default {@link ExecutionProvider#AUTO})
     * @param bins equal-width bins (and equal-mass groups) of the calibration errors, in [1, 1000] (default 15)
     * @param bootstrapReplicates Poisson-bootstrap replicates for 95% intervals, in [0, 100000], 0 = off
     *     (default 200)
     * @param seed seed of the bootstrap (default 0)
     * @param calibrateOn the split to fit a temperature (see
     *     {@link dev.smoothcal.evaluator.calibration.TemperatureScaling}) and the {@code calibrators} on, or empty
     *     for no calibration; {@link RunProvenance#validationSplit()} gives a run's own held-out split
     * @param calibrators the calibrators fitted on {@code calibrateOn} and compared side by side in the report's
     *     {@code calibration} section, each at most once, in the order given (default none: only the temperature
     *     section)
     * @param calibrationSettings knobs of the calibrators (default {@link CalibrationSettings#DEFAULTS})
     * @param trainingData whether a fit on the data the model was trained on is refused (default
     *     {@link TrainingDataPolicy#REFUSE})
     * @param exportCalibrated a calibrated copy of the model to write and check, or empty (default)
     * @throws SmoothcalException naming the parameter when a component is missing or out of range
     */
    public EvaluationRequest {
        if (model == null) {
            throw SmoothcalException.invalid("model", "must be an .onnx file or a run directory, found none");
        }
        if (data == null) {
            throw SmoothcalException.invalid("data", "must be a labelled dataset, found none");
        }
        if (inference == null || provider == null || calibrateOn == null || calibrators == null
                || calibrationSettings == null || trainingData == null || exportCalibrated == null) {
            throw SmoothcalException.defect("evaluation request without inference options, provider or calibration "
                    + "choices (empty for none)");
        }
        calibrators = List.copyOf(calibrators);
        if (new HashSet<>(calibrators).size() != calibrators.size()) {
            throw SmoothcalException.invalid("calibrators", "must name each calibrator once, found " + calibrators);
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
                MetricsConfig.DEFAULT_BINS, MetricsConfig.DEFAULT_BOOTSTRAP_REPLICATES, DEFAULT_SEED, Optional.empty(),
                List.of(), CalibrationSettings.DEFAULTS, TrainingDataPolicy.REFUSE, Optional.empty());
    }

    /**
     * This request for another model, everything else kept.
     *
     * @param other an {@code .onnx} file or run directory
     * @return the changed request
     */
    public EvaluationRequest withModel(Path other) {
        return new EvaluationRequest(other, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request with other inference options.
     *
     * @param options how to feed the model
     * @return the changed request
     */
    public EvaluationRequest withInference(InferenceOptions options) {
        return new EvaluationRequest(model, data, options, provider, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request on another execution provider.
     *
     * @param where where ONNX Runtime runs
     * @return the changed request
     */
    public EvaluationRequest withProvider(ExecutionProvider where) {
        return new EvaluationRequest(model, data, inference, where, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request with {@code count} calibration bins.
     *
     * @param count bins, in [1, {@value MetricsConfig#MAX_BINS}]
     * @return the changed request
     */
    public EvaluationRequest withBins(int count) {
        return new EvaluationRequest(model, data, inference, provider, count, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request with {@code replicates} bootstrap replicates (0 = no intervals).
     *
     * @param replicates in [0, {@value MetricsConfig#MAX_BOOTSTRAP_REPLICATES}]
     * @return the changed request
     */
    public EvaluationRequest withBootstrapReplicates(int replicates) {
        return new EvaluationRequest(model, data, inference, provider, bins, replicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request with another bootstrap seed.
     *
     * @param bootstrapSeed the seed
     * @return the changed request
     */
    public EvaluationRequest withSeed(long bootstrapSeed) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, bootstrapSeed,
                calibrateOn, calibrators, calibrationSettings, trainingData, exportCalibrated);
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
                Optional.of(fitData), calibrators, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * Checks what the single components cannot: calibrators and an export need a fit split, and the
     * exported calibrator must be one of the fitted ones. {@link Evaluation#run} calls it first.
     *
     * @throws SmoothcalException naming {@code calibrateOn} or {@code calibrator}
     */
    public void checkCalibrationChoices() {
        if (calibrateOn.isEmpty() && (!calibrators.isEmpty() || exportCalibrated.isPresent())) {
            throw SmoothcalException.invalid("calibrateOn", "must name a split to fit the calibrators on, found none");
        }
        if (exportCalibrated.isPresent() && !calibrators.contains(exportCalibrated.get().calibrator())) {
            throw SmoothcalException.invalid("calibrator", "must be one of the fitted calibrators "
                    + calibrators.stream().map(CalibrationMethod::id).toList() + ", found "
                    + exportCalibrated.get().calibrator().id());
        }
    }

    /**
     * This request with these calibrators fitted on {@link #calibrateOn()} and compared side by side.
     *
     * @param methods each at most once; empty for none
     * @return the changed request
     */
    public EvaluationRequest withCalibrators(List<CalibrationMethod> methods) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn,
                methods, calibrationSettings, trainingData, exportCalibrated);
    }

    /**
     * This request with other calibrator knobs.
     *
     * @param settings ODIR penalties, histogram bins, iteration limit
     * @return the changed request
     */
    public EvaluationRequest withCalibrationSettings(CalibrationSettings settings) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, settings, trainingData, exportCalibrated);
    }

    /**
     * This request with another policy for fits on the model's training data.
     *
     * @param policy {@link TrainingDataPolicy#ALLOW} to fit there anyway (the report flags it)
     * @return the changed request
     */
    public EvaluationRequest withTrainingData(TrainingDataPolicy policy) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, policy, exportCalibrated);
    }

    /**
     * This request writing a calibrated copy of the model, checked against the Java calibrator on the
     * evaluated split; the calibrator must be one of {@link #calibrators()}.
     *
     * @param export the file and the calibrator
     * @return the changed request
     */
    public EvaluationRequest withExport(CalibratedExport export) {
        return new EvaluationRequest(model, data, inference, provider, bins, bootstrapReplicates, seed, calibrateOn,
                calibrators, calibrationSettings, trainingData, Optional.of(export));
    }

    /** Whether a fit on the model's own training data is refused or allowed (and then flagged in the report). */
    public enum TrainingDataPolicy {
        /** Refuse: a fit on training data gives optimistic, usually useless calibrators. */
        REFUSE,
        /** Fit anyway; every calibration entry carries a warning. */
        ALLOW
    }

    /**
     * A calibrated copy of the model to write.
     *
     * @param file the {@code .onnx} file to write
     * @param calibrator which fitted calibrator goes into the graph
     */
    public record CalibratedExport(Path file, CalibrationMethod calibrator) {
        /**
         * Both must be given.
         *
         * @param file the {@code .onnx} file to write
         * @param calibrator which fitted calibrator goes into the graph
         */
        public CalibratedExport {
            if (file == null) {
                throw SmoothcalException.invalid("exportCalibrated", "must be an .onnx file to write, found none");
            }
            if (calibrator == null) {
                throw SmoothcalException.invalid("calibrator", "must name the calibrator to export, found none");
            }
        }
    }
}
