package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.Version;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.run.RunManifest;
import dev.smoothcal.trainer.export.OnnxExport;
import dev.smoothcal.trainer.export.SavedModelExport;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.train.CheckpointStore;
import dev.smoothcal.trainer.train.HistoryCsv;
import dev.smoothcal.trainer.train.TrainingPlots;
import dev.smoothcal.trainer.train.TrainConfig;
import dev.smoothcal.trainer.train.TrainedModel;
import dev.smoothcal.trainer.train.Trainer;
import dev.smoothcal.trainer.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.TensorFlow;

/**
 * A whole training run: load the data, hold out a stratified validation part, train, and write the
 * run directory ({@link RunDirectory}) into a folder.
 */
public final class TrainingRun {
    /** The configuration a checkpoint folder was started with, read back by {@code --resume}. */
    public static final String CONFIG_JSON = "config.json";

    private TrainingRun() {
    }

    /** Trains without checkpoints; see {@link #execute(TrainConfig, Path, Path, TrainingListener)}. */
    public static RunManifest execute(TrainConfig config, Path dir, TrainingListener listener) {
        return execute(config, dir, null, listener);
    }

    /**
     * Trains as configured and writes run.json, history.csv, saved_model/, model.onnx and plots/ into
     * {@code dir}. The exported model is the best epoch's (see {@link TrainConfig#monitor()}).
     *
     * @param dir an empty folder (normally the staging folder of an {@code OutputDirectory})
     * @param checkpoints folder for per-epoch checkpoints (continued from when it holds one), or null
     * @return the manifest written to run.json
     */
    public static RunManifest execute(TrainConfig config, Path dir, Path checkpoints, TrainingListener listener) {
        config.device().requireUsable();
        ModelSpec spec = ModelSpec.load(config.model());
        listener.phase("loading " + config.data());
        Dataset data = DatasetSource.load(config.data(), DatasetSplit.TRAIN);
        ResolvedModel model = spec.resolve(data.shape(), data.numClasses());
        Splits.TrainValidation split = Splits.stratified(data, config.validationFraction(), config.seed());
        CheckpointStore store = null;
        if (checkpoints != null) {
            // Created only now, once data and model are known good: bad input leaves nothing behind.
            store = new CheckpointStore(checkpoints);
            Json.write(checkpoints.resolve(CONFIG_JSON), config);
        }
        TrainedModel trained = Trainer.train(config, model, split.train(), split.validation(), listener, store);

        RunDirectory run = new RunDirectory(dir);
        RunManifest manifest = manifest(config, data, split.validation(), trained);
        listener.phase("exporting SavedModel and ONNX");
        HistoryCsv.write(run.historyCsv(), trained.history());
        TrainingPlots.write(trained.history(), run.plots());
        SavedModelExport.export(trained, run.savedModel());
        OnnxExport.export(trained, manifest, run.modelOnnx());
        Json.write(run.runJson(), manifest);
        return manifest;
    }

    static RunManifest manifest(TrainConfig config, Dataset data, Dataset validation, TrainedModel trained) {
        JsonNode configJson = Json.MAPPER.valueToTree(config);
        var input = trained.model().input();
        RunManifest.InputSpec inputSpec = new RunManifest.InputSpec(RunDirectory.INPUT_NAME,
                List.of(input.height(), input.width(), input.channels()), "NHWC", "float32",
                toDoubles(trained.normalization().mean()), toDoubles(trained.normalization().std()));
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("smoothcal", Version.get());
        versions.put("tensorflow", TensorFlow.version());
        versions.put("java", System.getProperty("java.version"));
        versions.put("onnx_ir", Integer.toString(OnnxExport.IR_VERSION));
        versions.put("onnx_opset", Integer.toString(OnnxExport.OPSET));
        return new RunManifest(RunManifest.FORMAT, Version.get(), configJson, config.seed(), info(data),
                info(validation), data.classNames(), inputSpec, List.of(RunDirectory.LOGITS, RunDirectory.PROBABILITIES),
                versions, trained.weights().fingerprint(), new RunManifest.Outcome(trained.history().size(),
                        trained.bestEpoch(), config.monitor().column()));
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
