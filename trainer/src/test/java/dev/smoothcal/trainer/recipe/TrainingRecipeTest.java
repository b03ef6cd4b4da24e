package dev.smoothcal.trainer.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRecipeTest {
    @Test
    void everyKeySetsItsBuilderParameter() {
        String json = """
                {"name": "all", "epochs": 3, "batch_size": 8, "optimizer": "sgd", "learning_rate": 0.005,
                 "momentum": 0.7, "weight_decay": 0.0001, "schedule": "step", "step_every": 2, "step_factor": 0.5,
                 "poly_power": 2.0, "warmup_epochs": 1, "label_smoothing": 0.2, "smoothing_convention": "other-classes", "smoothing_method": "labels",
                 "mixup_alpha": 0.2, "cutmix_alpha": 1.0, "mix_probability": 0.5, "switch_probability": 0.25,
                 "mix_mode": "elem", "shift": 0.1, "flip": "horizontal", "fill": "nearest", "seed": 7,
                 "validation_fraction": 0.2, "monitor": "val_accuracy", "patience": 2, "device": "cpu"}
                """;
        TrainingConfig expected = TrainingConfig.builder().epochs(3).batchSize(8).optimizer(OptimizerKind.SGD)
                .learningRate(0.005).momentum(0.7).weightDecay(1e-4).schedule(ScheduleKind.STEP).stepEvery(2)
                .stepFactor(0.5).polyPower(2.0).warmupEpochs(1).labelSmoothing(0.2)
                .smoothingConvention(dev.smoothcal.core.smoothing.SmoothingConvention.OTHER_CLASSES)
                .smoothingMethod(dev.smoothcal.trainer.loss.SmoothingMethod.LABELS)
                .mixupAlpha(0.2).cutmixAlpha(1.0).mixProbability(0.5).switchProbability(0.25)
                .mixMode(dev.smoothcal.trainer.augment.MixMode.ELEM).shift(0.1).flip(FlipMode.HORIZONTAL)
                .fill(FillMode.NEAREST).seed(7).validationFraction(0.2).monitor(Monitor.VAL_ACCURACY).patience(2)
                .device(Device.parse("cpu")).build();
        TrainingRecipe recipe = TrainingRecipe.parse(json, false, "x");
        assertEquals(expected, recipe.config());
        assertEquals("all", recipe.name());
        assertNull(recipe.data());
        assertNull(recipe.model());
    }

    @Test
    void yamlReadsAsJsonAndLeftOutKeysKeepTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, "# a comment\ndata: digits\nmodel: mlp\nepochs: 2\nlabel_smoothing: 0.05\n");
        TrainingRecipe recipe = TrainingRecipe.read(file);
        assertEquals("small", recipe.name());
        assertEquals("digits", recipe.data());
        assertEquals(ModelSpec.preset("mlp"), recipe.model());
        assertEquals(TrainingConfig.builder().epochs(2).labelSmoothing(0.05).build(), recipe.config());
    }

    @Test
    void aModelObjectIsReadInTheModelSchema() {
        TrainingRecipe recipe = TrainingRecipe.parse("""
                {"model": {"name": "tiny", "layers": [{"type": "flatten"}, {"type": "dense", "units": 4}]}}
                """, false, "r");
        assertEquals(ModelSpec.builder("tiny").flatten().dense(4).build(), recipe.model());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> TrainingRecipe.parse(
                "{\"model\": {\"name\": \"t\", \"layers\": [{\"type\": \"dense\", \"unit\": 4}]}}", false, "r"));
        assertEquals("recipe r: model: layers[0]: unknown key 'unit', expected one of [type, units]", e.getMessage());
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedWithTheirKey() {
        assertEquals("recipe r: unknown key 'batchsize', expected one of [batch_size, cutmix_alpha, cutmix_minmax, "
                + "data, description, device, epochs, fill, flip, label_smoothing, learning_rate, mix_mode, "
                + "mix_probability, mixup_alpha, model, momentum, monitor, name, normalization, optimizer, patience, poly_power, schedule, seed, "
                + "shift, smoothing_convention, smoothing_method, step_every, step_factor, switch_probability, validation_fraction, "
                + "warmup_epochs, weight_decay]", message("{\"batchsize\": 8}"));
        assertEquals("recipe r: batch_size: must be in [1, 65536], found 0", message("{\"batch_size\": 0}"));
        assertEquals("recipe r: label_smoothing: must be in [0, 1), found 1.5", message("{\"label_smoothing\": 1.5}"));
        assertEquals("recipe r: epochs: expected an integer, found \"ten\"", message("{\"epochs\": \"ten\"}"));
        assertEquals("recipe r: optimizer: expected one of adam, sgd, found 'rmsprop'",
                message("{\"optimizer\": \"rmsprop\"}"));
        assertEquals("recipe r: device: must be auto, cpu, gpu or gpu:N, found 'tpu'", message("{\"device\": \"tpu\"}"));
        assertEquals("recipe r: model: must be one of [cnn, minigooglenet, mlp, resnet20, resnet56] or a JSON model "
                + "file, found 'nope' (no such preset or file)", message("{\"model\": \"nope\"}"));
        assertEquals("recipe r: expected an object of settings {\"epochs\": ..., ...}, found ARRAY", message("[]"));
        assertEquals("recipe r: cutmix_minmax: must be MIN,MAX with 0 < MIN < MAX <= 1, found 0.8,0.2",
                message("{\"cutmix_minmax\": [0.8, 0.2]}"));
        assertEquals("recipe r: cutmix_minmax: expected a list of two numbers [MIN, MAX], found 0.5",
                message("{\"cutmix_minmax\": 0.5}"));
        assertEquals("recipe r: normalization: expected channel or mean-image, found 'pixel'",
                message("{\"normalization\": \"pixel\"}"));
    }

    @Test
    void normalizationAndCutmixMinmaxAreRead() {
        TrainingRecipe recipe = TrainingRecipe.parse("normalization: mean-image\ncutmix_minmax: [0.2, 0.8]\n", true, "r");
        assertEquals(dev.smoothcal.trainer.graph.NormalizationMode.MEAN_IMAGE, recipe.config().normalization());
        assertEquals(0.2, recipe.config().mix().cutmixMin());
        assertEquals(0.8, recipe.config().mix().cutmixMax());
        assertTrue(recipe.config().mix().cutmixOn());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> TrainingRecipe.read(dir.resolve("no.json")));
        assertEquals("expected a recipe file at " + dir.resolve("no.json") + ", found nothing there", e.getMessage());
    }

    @Test
    void brokenYamlIsOneLineWithItsPosition() {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> TrainingRecipe.parse("epochs: [\n", true, "r.yaml"));
        // SnakeYAML's own text quotes the line with a caret under it, over five lines
        assertEquals("recipe r.yaml: expected valid YAML, found: while parsing a flow node; expected the node "
                + "content, but found '<stream end>' (line 1, column 10)", e.getMessage());
    }

    private static String message(String json) {
        return assertThrows(SmoothcalException.class, () -> TrainingRecipe.parse(json, false, "r")).getMessage();
    }
}
