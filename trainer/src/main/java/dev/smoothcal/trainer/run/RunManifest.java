package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code run.json}: everything needed to interpret, check and reproduce a training run,
 * typed, so that reading the file gives back the records that were written ({@code model} and
 * {@code config} equal to what was trained). No timestamps, so that the same seed and data give
 * byte-identical files.
 *
 * @param format always {@link #FORMAT}
 * @param smoothcalVersion version of the writer
 * @param model the architecture itself, in the model file schema (not a path: the run needs no other file)
 * @param dataSource where the training data came from, or null when the caller passed a {@code Dataset}
 *     without saying
 * @param config the training configuration, every default filled in
 * @param dataset the training data (before the validation split)
 * @param validation the held-out validation part of the training data
 * @param classNames class names, index = label
 * @param input the model input: name, NHWC shape, dtype, normalisation baked into the graphs
 *     (the normalisation itself: per-channel mean and std, or the mean image)
 * @param outputs output names, {@code [logits, probabilities]}
 * @param versions library versions (smoothcal, tensorflow, java, onnx ir/opset)
 * @param modelFingerprint SHA-256 over the trained weights; model.onnx carries the same value
 * @param outcome epochs run and the epoch whose weights were exported
 */
public record RunManifest(
        String format,
        String smoothcalVersion,
        @JsonSerialize(using = ModelSpecJson.Writer.class) @JsonDeserialize(using = ModelSpecJson.Reader.class)
        ModelSpec model,
        DatasetOrigin dataSource,
        TrainingConfig config,
        DatasetInfo dataset,
        DatasetInfo validation,
        List<String> classNames,
        InputSpec input,
        List<String> outputs,
        Map<String, String> versions,
        String modelFingerprint,
        Outcome outcome) {

    /** The format written and read; version 2 holds the architecture and data origin instead of names. */
    public static final String FORMAT = "smoothcal-run/2";

    /**
     * Checks that the parts a reader needs are present and copies the collections.
     *
     * @param format always {@link #FORMAT}
     * @param smoothcalVersion version of the writer
     * @param model the architecture itself, in the model file schema (not a path: the run needs no other file)
     * @param dataSource where the training data came from, or null when the caller passed a {@code Dataset} without saying
     * @param config the training configuration, every default filled in
     * @param dataset the training data (before the validation split)
     * @param validation the held-out validation part of the training data
     * @param classNames class names, index = label
     * @param input the model input: name, NHWC shape, dtype, normalisation baked into the graphs
     * @param outputs output names, {@code [logits, probabilities]}
     * @param versions library versions (smoothcal, tensorflow, java, onnx ir/opset)
     * @param modelFingerprint SHA-256 over the trained weights; model.onnx carries the same value
     * @param outcome epochs run and the epoch whose weights were exported
     * @throws SmoothcalException when model, config, dataset, input or outcome is missing
     */
    public RunManifest {
        if (model == null || config == null || dataset == null || input == null || outcome == null) {
            throw new SmoothcalException("run.json is incomplete: expected model, config, dataset, input and outcome, "
                    + "found " + (model == null ? "no model" : config == null ? "no config" : dataset == null
                            ? "no dataset" : input == null ? "no input" : "no outcome"));
        }
        classNames = List.copyOf(classNames);
        outputs = List.copyOf(outputs);
        versions = Map.copyOf(versions);
    }

    /**
     * Reads {@code run.json} of a run directory.
     *
     * @param run the run directory
     * @return the manifest
     * @throws SmoothcalException when the file is missing, of another format version, or invalid
     */
    public static RunManifest read(RunDirectory run) {
        return read(run.runJson());
    }

    /**
     * Reads a {@code run.json} file.
     *
     * @param file the file
     * @return the manifest
     * @throws SmoothcalException when the file is missing, of another format version, or invalid
     */
    public static RunManifest read(Path file) {
        return VersionedJson.read(file, FORMAT, RunManifest.class);
    }

    /**
     * The JSON text written to run.json (and into model.onnx's metadata).
     *
     * @return indented JSON ending in a newline
     */
    public String toJson() {
        return Json.toString(this);
    }

    /**
     * How training ended.
     *
     * @param epochsRun epochs completed (fewer than configured after early stopping)
     * @param bestEpoch the exported epoch (1-based), best by {@code monitor}
     * @param monitor the validation metric that chose it, written as its history.csv column ({@code val_loss})
     */
    public record Outcome(int epochsRun, int bestEpoch, Monitor monitor) {
    }

    /**
     * A dataset identity.
     *
     * @param name for example {@code digits/train}
     * @param size number of images
     * @param fingerprint {@code sha256:...} over the content (see {@code Dataset.fingerprint()})
     * @param classCounts images per class
     */
    public record DatasetInfo(String name, int size, String fingerprint, List<Integer> classCounts) {
        /**
         * Copies the class counts.
         *
         * @param name for example {@code digits/train}
         * @param size number of images
         * @param fingerprint {@code sha256:...} over the content (see {@code Dataset.fingerprint()})
         * @param classCounts images per class
         */
        public DatasetInfo {
            classCounts = List.copyOf(classCounts);
        }
    }

    /**
     * The model input.
     *
     * @param name input name ({@code images})
     * @param shape {@code [height, width, channels]}; the batch dimension is dynamic
     * @param layout always {@code nhwc}, as {@code evaluate --layout} spells it
     * @param dtype always {@code float32}
     * @param mean the mean subtracted inside the graphs, row-major in {@code meanShape}: one value per
     *     channel, or the training split's mean image
     * @param std per-channel standard deviation divided by inside the graphs (all 1 for a mean image)
     * @param meanShape {@code [C]} or, for a mean image, {@code [H, W, C]}; {@code [mean.size()]} when absent
     *     (run.json written before mean images)
     */
    public record InputSpec(String name, List<Integer> shape, String layout, String dtype, List<Double> mean,
            List<Double> std, List<Integer> meanShape) {
        /**
         * Copies the lists.
         *
         * @param name input name ({@code images})
         * @param shape {@code [height, width, channels]}; the batch dimension is dynamic
         * @param layout always {@code nhwc}, as {@code evaluate --layout} spells it
         * @param dtype always {@code float32}
         * @param mean the mean subtracted inside the graphs, row-major in {@code meanShape}
         * @param std per-channel standard deviation divided by inside the graphs (all 1 for a mean image)
         * @param meanShape {@code [C]} or {@code [H, W, C]}; {@code [mean.size()]} when null
         */
        @com.fasterxml.jackson.annotation.JsonCreator
        public InputSpec {
            shape = List.copyOf(shape);
            mean = List.copyOf(mean);
            std = List.copyOf(std);
            meanShape = meanShape == null ? List.of(mean.size()) : List.copyOf(meanShape);
        }

        /**
         * A per-channel input ({@code meanShape = [mean.size()]}).
         *
         * @param name input name ({@code images})
         * @param shape {@code [height, width, channels]}; the batch dimension is dynamic
         * @param layout always {@code nhwc}
         * @param dtype always {@code float32}
         * @param mean per-channel mean subtracted inside the graphs
         * @param std per-channel standard deviation divided by inside the graphs
         */
        public InputSpec(String name, List<Integer> shape, String layout, String dtype, List<Double> mean,
                List<Double> std) {
            this(name, shape, layout, dtype, mean, std, null);
        }
    }
}
