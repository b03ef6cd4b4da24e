package dev.smoothcal.trainer.run;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.export.OnnxExport;
import dev.smoothcal.trainer.export.SavedModelExport;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ModelSummary;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.train.CheckpointStore;
import dev.smoothcal.trainer.train.HistoryCsv;
import dev.smoothcal.trainer.train.TrainedModel;
import dev.smoothcal.trainer.train.Trainer;
import dev.smoothcal.trainer.train.TrainingConfig;
import dev.smoothcal.trainer.train.TrainingListener;
import dev.smoothcal.trainer.train.TrainingPlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.TensorFlow;

/**
 * A whole training run: hold out a stratified validation part of the training data, train, and write
 * the run directory ({@link RunDirectory}):
 *
 * <pre>{@code
 * Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
 * TrainingConfig config = TrainingConfig.builder().epochs(10).labelSmoothing(0.1).seed(7).build();
 * TrainingResult result = TrainingRun.fit(digits, ModelSpec.preset("mlp"), config, Path.of("runs/mlp"));
 * }</pre>
 *
 * The exported model is the best epoch's by {@link TrainingConfig#monitor()}. Validation split, weights,
 * shuffling and augmentation all follow {@link TrainingConfig#seed()}: on CPU the same inputs give
 * byte-identical model.onnx, history.csv and run.json.
 */
public final class TrainingRun {
    /** The setup a checkpoint folder was started with ({@link RunSetup}), read back to resume. */
    public static final String CONFIG_JSON = RunSetup.FILE;

    private TrainingRun() {
    }

    /**
     * Trains without checkpoints or progress reports.
     *
     * @param train the training data; a validation part is held out of it
     * @param model the architecture; the classifier head is appended for the data's classes
     * @param config how to train
     * @param output the run directory to write: a new or empty folder
     * @return what was written
     * @throws SmoothcalException see {@link #fit(Dataset, ModelSpec, TrainingConfig, Path, RunOptions, TrainingListener)}
     */
    public static TrainingResult fit(Dataset train, ModelSpec model, TrainingConfig config, Path output) {
        return fit(train, model, config, output, RunOptions.DEFAULT, TrainingListener.NONE);
    }

    /**
     * Trains without checkpoints.
     *
     * @param train the training data; a validation part is held out of it
     * @param model the architecture; the classifier head is appended for the data's classes
     * @param config how to train
     * @param output the run directory to write: a new or empty folder
     * @param listener progress reports
     * @return what was written
     * @throws SmoothcalException see {@link #fit(Dataset, ModelSpec, TrainingConfig, Path, RunOptions, TrainingListener)}
     */
    public static TrainingResult fit(Dataset train, ModelSpec model, TrainingConfig config, Path output,
            TrainingListener listener) {
        return fit(train, model, config, output, RunOptions.DEFAULT, listener);
    }

    /**
     * Trains as configured and writes run.json, history.csv, summary.txt, saved_model/, model.onnx and plots/ into
     * {@code output}. With checkpoints, every epoch is checkpointed into {@code options.checkpoints()}
     * (which may lie inside {@code output}) together with {@code config.json} ({@link RunSetup}: the
     * architecture, the data origin and the configuration), so a run killed at any point loses at most the
     * epoch in progress and {@link RunOptions.Resume#CONTINUE} continues it. Nothing is written before the
     * data, model and device are known good.
     *
     * @param train the training data; a validation part is held out of it
     * @param model the architecture; the classifier head is appended for the data's classes
     * @param config how to train
     * @param output the run directory to write: a new or empty folder
     * @param options the data origin to record, and checkpointing
     * @param listener progress reports
     * @return what was written
     * @throws SmoothcalException when the model does not fit the data, the device is not usable,
     *     {@code output} is not empty, a checkpoint to continue belongs to another architecture or other
     *     data, or TensorFlow fails
     */
    public static TrainingResult fit(Dataset train, ModelSpec model, TrainingConfig config, Path output,
            RunOptions options, TrainingListener listener) {
        requireEmptyFolder(output);
        config.device().requireUsable();
        ResolvedModel resolved = model.resolve(train.shape(), train.numClasses());
        // Indices only: the trainer holds both parts as bytes where the pixels allow, not as float copies.
        Splits.TrainValidationIndices split = Splits.stratifiedIndices(train, config.validationFraction(),
                config.seed());
        RunManifest.DatasetInfo validationInfo = info(train, split.validation());
        ModelSummary summary = ModelSummary.of(resolved);
        listener.modelResolved(summary);
        CheckpointStore store = null;
        if (options.checkpoints() != null) {
            store = checkpoints(options, model);
        }
        if (store != null) {
            // Written only now, once data and model are known good: bad input leaves nothing behind.
            RunSetup.of(model, options.origin(), config).write(store.dir());
        }
        TrainedModel trained = Trainer.train(config, resolved, train, split, listener, store);

        RunDirectory run = new RunDirectory(output);
        RunManifest manifest = manifest(model, options.origin(), config, train, validationInfo, trained);
        listener.phase("exporting SavedModel and ONNX");
        HistoryCsv.write(run.historyCsv(), trained.history());
        AtomicFiles.writeString(output.resolve(RunDirectory.SUMMARY_TXT), summary.text());
        TrainingPlots.write(trained.history(), trained.bestEpoch(), run.plots());
        SavedModelExport.export(trained, run.savedModel());
        OnnxExport.export(trained, manifest, run.modelOnnx());
        Json.write(run.runJson(), manifest);
        return new TrainingResult(manifest, trained.history(), trained.bestEpoch(), run);
    }

    /**
     * The checkpoint store of a run: emptied for a new run; for one to continue, checked to hold a
     * checkpoint of the same architecture (the stored {@link RunSetup#model()} equal to {@code model}).
     * The data is checked against the checkpoint by {@link Trainer}.
     */
    private static CheckpointStore checkpoints(RunOptions options, ModelSpec model) {
        Path dir = options.checkpoints();
        if (options.resume() == RunOptions.Resume.START) {
            AtomicFiles.deleteTree(dir);
        } else if (Files.isRegularFile(dir.resolve(RunSetup.FILE))) {
            RunSetup stored = RunSetup.read(dir);
            if (!stored.model().equals(model)) {
                throw new SmoothcalException("the checkpoint in " + dir + " was written for another architecture: "
                        + "expected " + compact(stored.model()) + ", found " + compact(model)
                        + "; continue with the stored architecture or start a new run");
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw SmoothcalException.backend("could not create checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        return new CheckpointStore(dir);
    }

    private static String compact(ModelSpec model) {
        return model.toJson().replaceAll("\\s+", "");
    }

    private static void requireEmptyFolder(Path output) {
        if (output == null) {
            throw SmoothcalException.invalid("output", "must name a folder to write the run into, found none");
        }
        if (!Files.exists(output)) {
            return;
        }
        if (!Files.isDirectory(output)) {
            throw SmoothcalException.invalid("output", "must be a new or empty folder, found a file: " + output);
        }
        try (Stream<Path> entries = Files.list(output)) {
            if (entries.findAny().isPresent()) {
                throw SmoothcalException.invalid("output", "must be a new or empty folder, found files in " + output);
            }
        } catch (IOException e) {
            throw SmoothcalException.backend("could not list " + output + ": " + e.getMessage(), e);
        }
    }

    static RunManifest manifest(ModelSpec model, DatasetOrigin origin, TrainingConfig config, Dataset data,
            RunManifest.DatasetInfo validation, TrainedModel trained) {
        var input = trained.model().input();
        RunManifest.InputSpec inputSpec = new RunManifest.InputSpec(RunDirectory.INPUT_NAME,
                List.of(input.height(), input.width(), input.channels()), "nhwc", "float32",
                toDoubles(trained.normalization().mean()), toDoubles(trained.normalization().std()),
                Arrays.stream(trained.normalization().meanShape()).boxed().toList());
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("smoothcal", Version.get());
        versions.put("tensorflow", TensorFlow.version());
        versions.put("java", System.getProperty("java.version"));
        versions.put("onnx_ir", Integer.toString(OnnxExport.IR_VERSION));
        versions.put("onnx_opset", Integer.toString(OnnxExport.OPSET));
        return new RunManifest(RunManifest.FORMAT, Version.get(), model, origin, config, info(data), validation,
                data.classNames(), inputSpec, List.of(RunDirectory.LOGITS, RunDirectory.PROBABILITIES), versions,
                trained.weights().fingerprint(), new RunManifest.Outcome(trained.history().size(), trained.bestEpoch(),
                        config.monitor()));
    }

    /** The manifest's description of samples {@code indices} of {@code data}, as {@link Splits#stratified} names them. */
    private static RunManifest.DatasetInfo info(Dataset data, int[] indices) {
        return info(data.select(data.name() + "[validation]", indices));
    }

    private static RunManifest.DatasetInfo info(Dataset d) {
        return new RunManifest.DatasetInfo(d.name(), d.size(), d.fingerprint(),
                Arrays.stream(d.classCounts()).boxed().toList());
    }

    private static List<Double> toDoubles(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }
}
