package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smoothcal demo} end to end: its folder, its replacement, and a training run it must not replace. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesEveryOutputAndReplacesOnlyAnEarlierDemo() throws IOException {
        Path demo = tmp.resolve("demo");
        String[] run = {"demo", "--epochs", "2", "--out", demo.toString()};
        assertEquals(0, Main.execute(run));
        for (String name : new String[] {"run.json", "model.onnx", "saved_model", "history.csv", "report.json",
                "bins.csv", "report.html", "parity.json", DemoCommand.MARKER}) {
            assertTrue(Files.exists(demo.resolve(name)), name);
        }
        JsonNode report = Json.MAPPER.readTree(demo.resolve("report.json").toFile());
        double accuracy = report.get("accuracy").asDouble();
        assertTrue(accuracy > 0.5 && accuracy <= 1.0, "two epochs on digits: accuracy " + accuracy);
        assertTrue(Json.MAPPER.readTree(demo.resolve("parity.json").toFile()).get("passed").asBoolean());
        // Run again: the marker says the folder is the demo's own, so it is replaced without --overwrite.
        assertEquals(0, Main.execute(run));
        assertTrue(Files.isRegularFile(demo.resolve(DemoCommand.MARKER)));
    }

    @Test
    void refusesATrainingRunsFolderAndLeavesItAsItWas() throws IOException {
        Path runDir = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--data", "digits", "--epochs", "1", "--out", runDir.toString()));
        byte[] runJson = Files.readAllBytes(runDir.resolve("run.json"));
        byte[] model = Files.readAllBytes(runDir.resolve("model.onnx"));
        int[] code = new int[1];
        String err = EndToEndTest.captureErr(() -> code[0] = Main.execute("demo", "--epochs", "1", "--out",
                runDir.toString()));
        assertEquals(2, code[0], err);
        assertTrue(err.contains("smoothcal: error: --out " + runDir + " already holds "), err);
        assertTrue(err.contains("run.json") && err.contains("(pass --overwrite to replace them)"), err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("smoothcal: error:")).count(), err);
        assertTrue(java.util.Arrays.equals(runJson, Files.readAllBytes(runDir.resolve("run.json"))), "run.json kept");
        assertTrue(java.util.Arrays.equals(model, Files.readAllBytes(runDir.resolve("model.onnx"))), "model kept");
        assertTrue(Files.isDirectory(runDir.resolve("checkpoints")), "checkpoints kept");
    }
}
