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
import dev.smoothcal.trainer.train.HistoryCsv;
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
    private TrainingRun() {
    }

    /**
     * Trains as configured and writes run.json, history.csv, saved_model/ and model.onnx into {@code dir}.
     *
     * @param dir an empty folder (normally the staging folder of an {@code OutputDirectory})
     * @return the manifest written to run.json
     */
    public static RunManifest execute(TrainConfig config, Path dir, TrainingListener listener) {
        ModelSpec spec = ModelSpec.preset(config.model());
        listener.phase("loading " + config.data());
        Dataset data = DatasetSource.load(config.data(), DatasetSplit.TRAIN);
        ResolvedModel model = spec.resolve(data.shape(), data.numClasses());
        Splits.TrainValidation split = Splits.stratified(data, config.validationFraction(), config.seed());
        TrainedModel trained = Trainer.train(config, model, split.train(), split.validation(), listener);

        RunDirectory run = new RunDirectory(dir);
        RunManifest manifest = manifest(config, data, split.validation(), trained);
        listener.phase("exporting SavedModel and ONNX");
        HistoryCsv.write(run.historyCsv(), trained.history());
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
                versions, trained.weights().fingerprint());
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
