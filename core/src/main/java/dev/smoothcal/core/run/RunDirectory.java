package dev.smoothcal.core.run;

import dev.smoothcal.core.SmoothcalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run directory: the contract between trainer, evaluator and interop. A training run writes one
 * folder that the other modules read without any other input.
 *
 * <pre>
 * run.json        provenance: the architecture, the training configuration, the data, versions, outcome
 * history.csv     one row per epoch
 * saved_model/    TF SavedModel, signature serving_default: images -> logits, probabilities
 * model.onnx      the same model in ONNX (IR 8, opset 17), same input and output names
 * plots/          training curves
 * checkpoints/    per-epoch checkpoints to resume from
 * </pre>
 *
 * <p>{@code run.json} is read and written as a typed record by the trainer ({@code RunManifest}); this
 * core type only knows the layout, so that the evaluator can find {@code model.onnx} without the trainer.
 */
public record RunDirectory(Path root) {
    /** Provenance: resolved configuration, architecture, data fingerprints, outcome. */
    public static final String RUN_JSON = "run.json";
    /** One row per epoch: losses, accuracies, validation NLL and ECE, learning rate. */
    public static final String HISTORY_CSV = "history.csv";
    /** The TensorFlow SavedModel (tag {@code serve}, signature {@code serving_default}). */
    public static final String SAVED_MODEL = "saved_model";
    /** The same model as ONNX (IR 8, opset 17). */
    public static final String MODEL_ONNX = "model.onnx";
    /** The model summary (layers, output shapes, parameter counts), as printed before training. */
    public static final String SUMMARY_TXT = "summary.txt";
    /** Training curves (PNG). */
    public static final String PLOTS = "plots";
    /** Per-epoch checkpoints and the setup they were started with, for resuming. */
    public static final String CHECKPOINTS = "checkpoints";
    /** An evaluation report written into the run folder (by {@code demo}). */
    public static final String REPORT_JSON = "report.json";
    /** A parity report of the run's two exported forms. */
    public static final String PARITY_JSON = "parity.json";

    /** ONNX metadata key: the full run.json text. */
    public static final String METADATA_RUN = "smoothcal.run";
    /** ONNX metadata key: the class names, index = label, as JSON array text ({@code ["0","1",...]}). */
    public static final String METADATA_CLASS_NAMES = "smoothcal.class_names";
    /** ONNX metadata key: SHA-256 of the trained weights (equal to run.json's model_fingerprint). */
    public static final String METADATA_MODEL_FINGERPRINT = "smoothcal.model_fingerprint";
    /** ONNX metadata key: the writer's version. */
    public static final String METADATA_VERSION = "smoothcal.version";

    /** Model input name in both graphs. */
    public static final String INPUT_NAME = "images";
    /** Output holding pre-softmax scores. */
    public static final String LOGITS = "logits";
    /** Output holding softmax probabilities. */
    public static final String PROBABILITIES = "probabilities";

    /** Entries a training run writes at the top of its folder. */
    public static final List<String> TRAINING_OUTPUTS = List.of(RUN_JSON, HISTORY_CSV, SUMMARY_TXT, SAVED_MODEL,
            MODEL_ONNX, PLOTS, CHECKPOINTS);

    /**
     * Opens an existing run directory, checking that it holds a readable {@code run.json}.
     *
     * @param root the run's folder
     * @return the run directory
     * @throws SmoothcalException naming what is missing
     */
    public static RunDirectory open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new SmoothcalException("expected a run directory (a folder written by 'smoothcal train'), found "
                    + (Files.exists(root) ? "a file" : "nothing") + " at " + root);
        }
        if (!Files.isRegularFile(root.resolve(RUN_JSON))) {
            throw new SmoothcalException("expected " + RUN_JSON + " in run directory " + root
                    + ", found none: is this a folder written by 'smoothcal train'?");
        }
        return new RunDirectory(root);
    }

    /**
     * The provenance file.
     *
     * @return {@code root/run.json}
     */
    public Path runJson() {
        return root.resolve(RUN_JSON);
    }

    /**
     * The per-epoch history.
     *
     * @return {@code root/history.csv}
     */
    public Path historyCsv() {
        return root.resolve(HISTORY_CSV);
    }

    /**
     * The TensorFlow SavedModel folder.
     *
     * @return {@code root/saved_model}
     */
    public Path savedModel() {
        return root.resolve(SAVED_MODEL);
    }

    /**
     * The ONNX model.
     *
     * @return {@code root/model.onnx}
     */
    public Path modelOnnx() {
        return root.resolve(MODEL_ONNX);
    }

    /**
     * The training curves' folder.
     *
     * @return {@code root/plots}
     */
    public Path plots() {
        return root.resolve(PLOTS);
    }

    /**
     * The checkpoints' folder.
     *
     * @return {@code root/checkpoints}
     */
    public Path checkpoints() {
        return root.resolve(CHECKPOINTS);
    }

    /**
     * An entry of the run that must exist.
     *
     * @param entry a name such as {@link #MODEL_ONNX}
     * @return its path
     * @throws SmoothcalException naming the entry and the run when it is missing
     */
    public Path require(String entry) {
        Path p = root.resolve(entry);
        if (!Files.exists(p)) {
            throw new SmoothcalException("expected " + entry + " in run directory " + root + ", found none");
        }
        return p;
    }
}
