package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.evaluation.RunProvenance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator reads run.json as plain JSON (no trainer classes): this checks it against a run.json the
 * trainer really wrote, so a change of the run format cannot silently break held-out calibration.
 */
class HeldOutFromRealRunTest {
    @TempDir
    Path tmp;

    @Test
    void theValidationSplitOfARealRunIsReproducedAndFittedOn() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--data", "digits", "--model", "mlp", "--epochs", "1", "--seed", "3",
                "--validation-fraction", "0.2", "--out", run.toString()));
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("run.json").toFile());

        for (Path model : new Path[] {run, run.resolve("model.onnx")}) {
            RunProvenance p = RunProvenance.of(model).orElseThrow();
            assertEquals(3, p.seed());
            assertEquals(0.2, p.validationFraction());
            Dataset validation = p.validationSplit();
            assertEquals(manifest.at("/validation/fingerprint").asText(), validation.fingerprint());
            assertEquals(manifest.at("/validation/size").asInt(), validation.size());
        }

        Path out = tmp.resolve("eval");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute("evaluate", "--model", run.toString(), "--calibrate-on", "validation",
                    "--calibrators", "temperature,vector", "--bootstrap", "0", "--out", out.toString()));
        } finally {
            System.setOut(old);
        }
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        assertEquals(manifest.at("/validation/size").asInt(), report.at("/temperature/fit_samples").asInt());
        assertEquals(2, report.get("calibration").size());
        assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("calibrators fitted on"), buffer.toString());

        String err = EndToEndTest.captureErr(() -> assertEquals(2, Main.execute("evaluate", "--model",
                run.toString(), "--calibrate-on", "train", "--out", tmp.resolve("refused").toString())));
        assertTrue(err.contains("the data the model was trained on"), err);
    }
}
