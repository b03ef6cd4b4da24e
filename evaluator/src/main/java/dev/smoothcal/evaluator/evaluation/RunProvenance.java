package dev.smoothcal.evaluator.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.Resize;
import dev.smoothcal.core.data.ResizeRule;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the evaluator needs to know about the training run a model came from, to fit calibrators on held-out
 * data: the training data, the seed and fraction of its validation split, and both fingerprints. Read as
 * plain JSON (the evaluator has no TensorFlow and does not depend on the trainer's classes) from the run
 * directory's {@code run.json}, or from the {@code smoothcal.run} metadata a smoothcal model carries.
 *
 * <p>Keys read ({@code smoothcal-run/2}): {@code data_source.location} and {@code data_source.split} (the
 * training data, absent when the run was given a dataset without its origin), {@code data_source.resize}
 * ({@code height}, {@code width}, {@code rule}; absent when images were taken as they are), {@code config.seed},
 * {@code config.validation_fraction}, {@code dataset.name}, {@code dataset.fingerprint} and
 * {@code validation.fingerprint} (absent when the run held nothing out).
 *
 * @param data the training data's location (a built-in name or a path), or null when the run does not say
 * @param split the split of {@code data} the run trained on
 * @param seed the run seed, which also seeds the validation split
 * @param validationFraction the held-out share, in [0, 1)
 * @param trainingName the training data's name, for messages
 * @param trainingFingerprint fingerprint of the whole training split (trained part and validation part)
 * @param validationFingerprint fingerprint of the validation part, or null when nothing was held out
 * @param resize the size and rule the training images were brought to, or null when they were taken as they are
 */
public record RunProvenance(String data, DatasetSplit split, long seed, double validationFraction, String trainingName,
        String trainingFingerprint, String validationFingerprint, Resize resize) {
    /** The metadata key holding the run's {@code run.json} text in a smoothcal model. */
    public static final String RUN_METADATA_KEY = "smoothcal.run";

    /**
     * The provenance of {@code model}: its run directory's {@code run.json}, or the run recorded in the
     * ONNX file's metadata; empty for a model smoothcal did not train.
     *
     * @param model an {@code .onnx} file or a run directory
     * @return the provenance, or empty
     * @throws SmoothcalException when a run record exists but lacks a key or is not JSON
     */
    public static Optional<RunProvenance> of(Path model) {
        String text;
        String source;
        if (Files.isDirectory(model) && Files.isRegularFile(model.resolve(RunDirectory.RUN_JSON))) {
            source = model.resolve(RunDirectory.RUN_JSON).toString();
            try {
                text = Files.readString(model.resolve(RunDirectory.RUN_JSON));
            } catch (IOException e) {
                throw SmoothcalException.backend("cannot read " + source, e);
            }
        } else {
            Path file = ModelSource.onnxFile(model);
            text = OnnxModels.metadata(OnnxModels.read(file)).get(RUN_METADATA_KEY);
            source = file + " (metadata " + RUN_METADATA_KEY + ")";
            if (text == null) {
                return Optional.empty();
            }
        }
        return Optional.of(parse(text, source));
    }

    static RunProvenance parse(String text, String source) {
        JsonNode run;
        try {
            run = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SmoothcalException("the run record " + source + " is not JSON: expected a smoothcal-run/2 record, "
                    + "found: " + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""), e);
        }
        if (run == null || !run.isObject()) {
            throw new SmoothcalException("the run record " + source + " is not a JSON object: expected a "
                    + "smoothcal-run/2 record");
        }
        JsonNode config = run.path("config");
        String[] required = {"config.seed", "config.validation_fraction", "dataset.fingerprint"};
        JsonNode[] values = {config.path("seed"), config.path("validation_fraction"),
            run.path("dataset").path("fingerprint")};
        for (int i = 0; i < values.length; i++) {
            if (values[i].isMissingNode() || values[i].isNull()) {
                throw new SmoothcalException("the run record " + source + " has no " + required[i]
                        + ": expected a smoothcal-run/2 record");
            }
        }
        JsonNode origin = run.path("data_source");
        String data = origin.path("location").isTextual() ? origin.get("location").asText() : null;
        DatasetSplit split = origin.path("split").isTextual()
                ? DatasetSplit.parse("split", origin.get("split").asText()) : DatasetSplit.TRAIN;
        JsonNode validation = run.path("validation").path("fingerprint");
        return new RunProvenance(data, split, values[0].asLong(), values[1].asDouble(),
                run.path("dataset").path("name").asText(data == null ? "the run's training data" : data),
                values[2].asText(), validation.isTextual() ? validation.asText() : null,
                resize(origin.path("resize"), source));
    }

    /**
     * The run's own validation split, reproduced as training made it ({@link Splits#stratified} of the
     * training data with the run's fraction and seed) and checked by fingerprint.
     *
     * @return the held-out images, named like the run's validation split
     * @throws SmoothcalException naming {@code calibrateOn} when the run held nothing out or does not say
     *     where its data came from; (check failed) when the training data has changed since the run, so the
     *     reproduced split is not the one that was held out
     */
    public Dataset validationSplit() {
        if (validationFingerprint == null || !(validationFraction > 0)) {
            throw SmoothcalException.invalid("calibrateOn", "must name held-out data, found a run that held out "
                    + "no validation split (validation fraction " + validationFraction + ")");
        }
        if (data == null) {
            throw SmoothcalException.invalid("calibrateOn", "must name held-out data, found a run whose record does "
                    + "not say where its training data " + trainingName + " came from, so its validation split "
                    + "cannot be reproduced");
        }
        Dataset training = DatasetSource.load(data, split, loadOptions());
        if (!training.fingerprint().equals(trainingFingerprint)) {
            throw SmoothcalException.checkFailed("the training data " + data + " has fingerprint "
                    + training.fingerprint() + " but the run trained on " + trainingFingerprint
                    + ": cannot reproduce its validation split; pass the held-out data explicitly");
        }
        Dataset validation = Splits.stratified(training, validationFraction, seed).validation();
        if (!validation.fingerprint().equals(validationFingerprint)) {
            throw SmoothcalException.checkFailed("the validation split reproduced from the run (fraction "
                    + validationFraction + ", seed " + seed + ") has fingerprint " + validation.fingerprint()
                    + ", expected the run's " + validationFingerprint);
        }
        return validation;
    }

    /**
     * Whether {@code fitData} is the data this run trained on: its whole training split, whose larger part
     * the model has seen. (A subset other than the validation split is not recognised.)
     *
     * @param fitData a candidate fit split
     * @return true when its fingerprint is the training split's
     */
    public boolean isTrainingData(Dataset fitData) {
        return fitData.fingerprint().equals(trainingFingerprint);
    }

    /**
     * How the run's images were loaded: the default budget, resized as in training when it resized.
     *
     * @return the options to load the run's data (and other data for its model) with
     */
    public LoadOptions loadOptions() {
        return resize == null ? LoadOptions.defaults() : LoadOptions.defaults().withResize(resize);
    }

    private static Resize resize(JsonNode node, String source) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.path("height").canConvertToInt() || !node.path("width").canConvertToInt()
                || !node.path("rule").isTextual()) {
            throw new SmoothcalException("the run record " + source + " has a data_source.resize of " + node
                    + ": expected height, width and rule");
        }
        return new Resize(node.get("height").asInt(), node.get("width").asInt(),
                ResizeRule.parse(node.get("rule").asText()));
    }
}
