package dev.smoothcal.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.json and checkpoints/config.json read back into the records that were written. */
class RunManifestTest {
    @TempDir
    Path tmp;

    private static final TrainingConfig CONFIG = TrainingConfig.builder().epochs(3).batchSize(16)
            .optimizer(OptimizerKind.SGD).learningRate(0.05).schedule(ScheduleKind.POLYNOMIAL).polyPower(2)
            .labelSmoothing(0.2).smoothingConvention(SmoothingConvention.OTHER_CLASSES).mixupAlpha(0.2)
            .mixMode(MixMode.ELEM).shift(0.125).flip(FlipMode.HORIZONTAL).seed(7).monitor(Monitor.VAL_ECE)
            .patience(2).device(Device.parse("gpu:1")).build();

    private static final ModelSpec MODEL = ModelSpec.parseJson("{\"name\": \"small\", \"classes\": 10, \"layers\": ["
            + "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": [3, 3], \"padding\": \"same\", \"use_bias\": false},"
            + "{\"type\": \"batch_norm\", \"momentum\": 0.9},"
            + "{\"type\": \"concat\", \"branches\": [[{\"type\": \"max_pool\", \"pool\": 2}],"
            + "[{\"type\": \"average_pool\", \"pool\": [2, 2], \"padding\": \"same\"}]]},"
            + "{\"type\": \"global_average_pool\"}, {\"type\": \"dropout\", \"rate\": 0.25}]}");

    private static RunManifest manifest(ModelSpec model, DatasetOrigin origin) {
        return new RunManifest(RunManifest.FORMAT, "0.1.0-test", model, origin, CONFIG,
                new RunManifest.DatasetInfo("digits/train", 3823, "sha256:ab", List.of(1, 2)),
                new RunManifest.DatasetInfo("digits/train/validation", 383, "sha256:cd", List.of(1, 1)),
                List.of("0", "1"), new RunManifest.InputSpec("images", List.of(8, 8, 1), "nhwc", "float32",
                        List.of(4.5), List.of(6.25)),
                List.of("logits", "probabilities"), Map.of("smoothcal", "0.1.0-test", "java", "17"), "sha256:ef",
                new RunManifest.Outcome(3, 2, Monitor.VAL_ECE));
    }

    @Test
    void readsBackEqualForEveryPresetAndAJsonModel() {
        for (ModelSpec model : List.of(ModelSpec.preset("mlp"), ModelSpec.preset("cnn"),
                ModelSpec.preset("minigooglenet"), MODEL)) {
            RunManifest written = manifest(model, DatasetOrigin.train("digits"));
            Path file = tmp.resolve(model.name() + ".json");
            Json.write(file, written);
            RunManifest read = RunManifest.read(file);
            assertEquals(written, read, model.name());
            assertEquals(model, read.model());
            assertEquals(CONFIG, read.config());
            assertEquals(written.toJson(), read.toJson(), "written again byte for byte");
        }
    }

    @Test
    void holdsTheArchitectureInTheModelSchemaAndEnumsAsTheCommandLineSpellsThem() throws IOException {
        Path file = tmp.resolve("run.json");
        Json.write(file, manifest(MODEL, new DatasetOrigin("/data/fashion-mnist", DatasetSplit.TRAIN)));
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        assertEquals("smoothcal-run/2", json.get("format").asText());
        // The architecture itself, readable as a model file.
        assertEquals(MODEL, ModelSpec.parseJson(json.get("model").toString()));
        assertEquals("concat", json.at("/model/layers/2/type").asText());
        assertEquals("/data/fashion-mnist", json.at("/data_source/location").asText());
        assertEquals("train", json.at("/data_source/split").asText());
        assertEquals("sgd", json.at("/config/optimizer/kind").asText());
        assertEquals("polynomial", json.at("/config/schedule/kind").asText());
        assertEquals("other-classes", json.at("/config/label_smoothing/convention").asText());
        assertEquals("elem", json.at("/config/mix/mode").asText());
        assertEquals("horizontal", json.at("/config/shift_flip/flip").asText());
        assertEquals("zero", json.at("/config/shift_flip/fill").asText());
        assertEquals("val_ece", json.at("/config/monitor").asText());
        assertEquals("gpu:1", json.at("/config/device").asText());
        assertEquals("val_ece", json.at("/outcome/monitor").asText());
        assertTrue(json.at("/config/data").isMissingNode() && json.at("/config/model").isMissingNode(),
                "no data or model strings inside the configuration: " + json.get("config"));
    }

    @Test
    void anotherFormatVersionIsRefusedNamingBoth() throws IOException {
        Path file = Files.writeString(tmp.resolve("run.json"), "{\"format\": \"smoothcal-run/1\", \"config\": {}}");
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> RunManifest.read(file));
        assertTrue(e.getMessage().startsWith("expected " + file + " in format smoothcal-run/2, found smoothcal-run/1"),
                e.getMessage());
    }

    @Test
    void checkpointSetupReadsBackEqual() throws IOException {
        RunSetup written = RunSetup.of(MODEL, DatasetOrigin.train("digits"), CONFIG);
        written.write(tmp);
        assertEquals(written, RunSetup.read(tmp));
        assertEquals("smoothcal-checkpoint-config/1",
                Json.MAPPER.readTree(tmp.resolve(RunSetup.FILE).toFile()).get("format").asText());
        RunSetup withoutOrigin = RunSetup.of(ModelSpec.preset("cnn"), null, TrainingConfig.defaults());
        withoutOrigin.write(tmp);
        assertEquals(withoutOrigin, RunSetup.read(tmp));
    }
}
