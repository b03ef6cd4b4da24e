package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.trainer.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run trained from a JSON model file holds the architecture itself: interop and resume work after the
 * file is deleted, and resume still refuses another architecture.
 */
class SelfDescribingRunTest {
    private static final String TINY = "{\"name\": \"tiny\", \"layers\": [{\"type\": \"flatten\"}, "
            + "{\"type\": \"dense\", \"units\": 16}, {\"type\": \"relu\"}]}";

    @TempDir
    Path tmp;

    @Test
    void interopAndResumeWorkAfterTheModelFileIsDeleted() throws IOException {
        Path model = Files.writeString(tmp.resolve("my.json"), TINY);
        Path run = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--data", "digits", "--model", model.toString(), "--epochs", "1",
                "--seed", "4", "--out", run.toString()));
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("run.json").toFile());
        assertEquals("smoothcal-run/2", manifest.get("format").asText());
        assertEquals(ModelSpec.parseJson(TINY), ModelSpec.parseJson(manifest.get("model").toString()));
        assertEquals("digits", manifest.at("/data_source/location").asText());
        assertFalse(Files.readString(run.resolve("run.json")).contains("my.json"), "no path to the model file");
        assertFalse(Files.readString(run.resolve("checkpoints/config.json")).contains("my.json"));
        Files.delete(model);

        Path parity = tmp.resolve("parity");
        assertEquals(0, Main.execute("interop", "--run", run.toString(), "--out", parity.toString()));
        JsonNode report = Json.MAPPER.readTree(parity.resolve("parity.json").toFile());
        assertEquals("smoothcal-parity/1", report.get("format").asText());
        assertTrue(report.get("passed").asBoolean());

        List<String> first = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(0, Main.execute("train", "--resume", run.toString(), "--epochs", "2"));
        List<String> both = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(3, both.size(), "header + 2 epochs");
        assertEquals(first, both.subList(0, 2), "epoch 1 comes from the checkpoint, unchanged");
        JsonNode resumed = Json.MAPPER.readTree(run.resolve("run.json").toFile());
        assertEquals(manifest.get("model"), resumed.get("model"));
        assertEquals(2, resumed.at("/outcome/epochs_run").asInt());
        assertEquals(2, resumed.at("/config/epochs").asInt());

        // Another architecture is refused, compared with the stored one (not with a file name).
        Path wider = Files.writeString(tmp.resolve("wider.json"), TINY.replace("16", "32"));
        String err = captureErr(() -> assertEquals(2, Main.execute("train", "--resume", run.toString(), "--model",
                wider.toString(), "--epochs", "3")));
        assertTrue(err.contains("--resume: the run was trained with --model tiny, found --model " + wider), err);
        // The same architecture from another file is the same model.
        Path copy = Files.writeString(tmp.resolve("copy.json"), TINY);
        assertEquals(0, Main.execute("train", "--resume", run.toString(), "--model", copy.toString(), "--epochs", "3"));
        assertEquals(4, Files.readAllLines(run.resolve("history.csv")).size(), "header + 3 epochs");
    }

    private static String captureErr(Runnable action) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
