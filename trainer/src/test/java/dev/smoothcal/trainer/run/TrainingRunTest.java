package dev.smoothcal.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.trainer.export.OnnxExport;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.TrainingConfig;
import dev.smoothcal.trainer.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed entry point: fit returns what it wrote, checkpoints continue only the same architecture. */
class TrainingRunTest {
    private static final Dataset DIGITS = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
    private static final ModelSpec TINY = ModelSpec.parseJson("{\"name\": \"tiny\", \"layers\": [{\"type\": \"flatten\"},"
            + " {\"type\": \"dense\", \"units\": 8}, {\"type\": \"relu\"}]}");

    @TempDir
    Path tmp;

    @Test
    void fitReturnsWhatItWrote() throws IOException {
        TrainingConfig config = TrainingConfig.builder().epochs(2).seed(5).build();
        TrainingResult result = TrainingRun.fit(DIGITS, TINY, config, tmp.resolve("run"));
        assertEquals(2, result.history().size());
        assertTrue(result.bestEpoch() >= 1 && result.bestEpoch() <= 2);
        assertEquals(result.manifest(), RunManifest.read(result.files()), "run.json is the returned manifest");
        assertEquals(TINY, result.manifest().model());
        assertEquals(config, result.manifest().config());
        assertEquals(result.bestEpoch(), result.manifest().outcome().bestEpoch());
        assertEquals(3, Files.readAllLines(result.files().historyCsv()).size(), "header + 2 epochs");
        assertTrue(Files.isRegularFile(result.files().modelOnnx()));
        assertFalse(Files.exists(result.files().checkpoints()), "no checkpoints unless asked for");
        // Class names in the ONNX metadata are a JSON array, one line.
        Map<String, String> metadata = OnnxModels.metadata(OnnxModels.read(result.files().modelOnnx()));
        String names = metadata.get(OnnxExport.KEY_CLASS_NAMES);
        assertEquals("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", names);
        assertEquals(DIGITS.classNames(), List.of(Json.MAPPER.readValue(names, String[].class)));
        assertEquals(result.manifest(), Json.MAPPER.readValue(metadata.get(OnnxExport.KEY_RUN), RunManifest.class));

        SmoothcalException notEmpty = assertThrows(SmoothcalException.class,
                () -> TrainingRun.fit(DIGITS, TINY, config, result.files().root()));
        assertEquals(java.util.Optional.of("output"), notEmpty.parameter());
    }

    @Test
    void continuingRefusesAnotherArchitecture() {
        Path checkpoints = tmp.resolve("checkpoints");
        RunOptions start = RunOptions.DEFAULT.withOrigin(DatasetOrigin.train("digits"))
                .withCheckpoints(checkpoints, RunOptions.Resume.START);
        TrainingConfig one = TrainingConfig.builder().epochs(1).build();
        TrainingRun.fit(DIGITS, TINY, one, tmp.resolve("a"), start, TrainingListener.NONE);
        RunSetup setup = RunSetup.read(checkpoints);
        assertEquals(TINY, setup.model());
        assertEquals(DatasetOrigin.train("digits"), setup.dataOrigin());

        RunOptions resume = start.withCheckpoints(checkpoints, RunOptions.Resume.CONTINUE);
        ModelSpec wider = ModelSpec.parseJson(TINY.toJson().replace("8", "16"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> TrainingRun.fit(DIGITS, wider,
                one.withEpochs(2), tmp.resolve("b"), resume, TrainingListener.NONE));
        assertTrue(e.getMessage().startsWith("the checkpoint in " + checkpoints
                + " was written for another architecture: expected {\"name\":\"tiny\""), e.getMessage());

        TrainingResult continued = TrainingRun.fit(DIGITS, TINY, one.withEpochs(2), tmp.resolve("c"), resume,
                TrainingListener.NONE);
        assertEquals(2, continued.history().size());
        assertEquals(2, RunSetup.read(checkpoints).config().epochs(), "config.json holds the continued setup");
    }
}
