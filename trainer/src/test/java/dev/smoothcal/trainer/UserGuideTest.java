package dev.smoothcal.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.run.RunManifest;
import dev.smoothcal.trainer.run.TrainingResult;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" training snippets, run as written: the text between {@code README:} markers
 * is the README's code (cli's ReadmeSnippetsTest checks they are the same).
 */
class UserGuideTest {
    @TempDir
    Path tmp;

    @Test
    void trainFromJava() {
        Path runDir = tmp.resolve("small-cnn");
        // README: train
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        ModelSpec model = ModelSpec.builder("small-cnn")
                .conv2d(16, 3).batchNorm().relu().maxPool(2)
                .flatten().dense(64).relu().dropout(0.25)
                .build();
        TrainingConfig config = TrainingConfig.builder()
                .epochs(10).batchSize(64).learningRate(1e-3)
                .labelSmoothing(0.1).seed(7)
                .build();
        TrainingResult result = TrainingRun.fit(train, model, config, runDir);
        System.out.printf("best epoch %d of %d, model.onnx in %s%n",
                result.bestEpoch(), result.history().size(), result.files().root());
        // README: end
        assertEquals(10, result.history().size());
        assertTrue(result.bestEpoch() >= 1 && result.bestEpoch() <= 10);
        assertTrue(Files.isRegularFile(runDir.resolve(RunDirectory.MODEL_ONNX)));
        RunManifest manifest = RunManifest.read(new RunDirectory(runDir));
        assertEquals(model, manifest.model(), "run.json holds the architecture itself");
        assertEquals(config, manifest.config(), "and the configuration, read back into the same records");
        assertEquals(result.manifest(), manifest);
        double lastValidationAccuracy = result.history().get(result.history().size() - 1).valAccuracy();
        assertTrue(lastValidationAccuracy > 0.9, "a small CNN learns 8x8 digits: " + lastValidationAccuracy);
    }

    @Test
    void errorsNameTheirParameterAndKind() {
        String printed = null;
        // README: errors
        try {
            TrainingConfig.builder().labelSmoothing(1.5).build();
        } catch (SmoothcalException e) {
            printed = e.kind() + " " + e.parameter().orElse("-") + ": " + e.getMessage();
            System.out.println(printed); // BAD_INPUT labelSmoothing: labelSmoothing must be in [0, 1), found 1.5
        }
        // README: end
        assertEquals("BAD_INPUT labelSmoothing: labelSmoothing must be in [0, 1), found 1.5", printed);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> TrainingConfig.builder().epochs(0).build());
        assertEquals(Optional.of("epochs"), e.parameter());
    }
}
