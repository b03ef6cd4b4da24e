package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate's calibrator flags on a fake smoothcal run of the built-in digits (a nearest-class-mean model,
 * over-confident, with a run.json naming its validation split): several calibrators fitted on the run's
 * own validation split side by side, an exported calibrator checked, and a fit on the training data
 * refused unless allowed.
 */
class CalibratorsCommandTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void fakeRun() throws IOException {
        Dataset train = DatasetSource.load("digits", DatasetSplit.TRAIN);
        Dataset validation = Splits.stratified(train, 0.2, 5).validation();
        double[][] means = new double[10][64];
        int[] counts = new int[10];
        for (int i = 0; i < train.size(); i++) {
            counts[train.labels()[i]]++;
            for (int j = 0; j < 64; j++) {
                means[train.labels()[i]][j] += train.images()[i * 64 + j];
            }
        }
        float[] w = new float[640];
        float[] b = new float[10];
        double s = 0.05;
        for (int k = 0; k < 10; k++) {
            double norm = 0;
            for (int j = 0; j < 64; j++) {
                double mu = means[k][j] / counts[k];
                w[j * 10 + k] = (float) (s * mu);
                norm += mu * mu;
            }
            b[k] = (float) (-s * norm / 2);
        }
        run = Files.createDirectories(tmp.resolve("run"));
        OnnxModels.write(new OnnxGraphBuilder("nearest_mean")
                .input("images", Dim.BATCH, Dim.of(8), Dim.of(8), Dim.of(1))
                .output("logits", Dim.BATCH, Dim.of(10))
                .initializer("shape", new long[] {-1, 64}, 2)
                .initializer("w", w, 64, 10)
                .initializer("b", b, 10)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.NONE), run.resolve("model.onnx"));
        Files.writeString(run.resolve("run.json"), "{\"format\": \"smoothcal-run/2\", \"data_source\": {\"location\": "
                + "\"digits\", \"split\": \"train\"}, \"config\": {\"seed\": 5, \"validation_fraction\": 0.2}, \"dataset\": {\"name\": \"digits/train\", \"fingerprint\": \""
                + train.fingerprint() + "\"}, \"validation\": {\"fingerprint\": \"" + validation.fingerprint() + "\"}}");
    }

    @Test
    void calibratorsFittedOnTheRunsValidationSplitSideBySide() throws IOException {
        Path out = tmp.resolve("eval");
        Path exported = tmp.resolve("isotonic.onnx");
        String stdout = capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", run.toString(),
                "--calibrate-on", "validation", "--calibrators", "temperature,vector,matrix,isotonic",
                "--export-calibrated", exported.toString(), "--calibrator", "isotonic", "--bootstrap", "20",
                "--out", out.toString())));
        assertTrue(stdout.contains("calibrators fitted on digits/train[validation] (763 images)"), stdout);
        assertTrue(stdout.contains("exported isotonic model checked on 1797 images"), stdout);
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonNode calibration = report.get("calibration");
        assertEquals(4, calibration.size());
        assertEquals("digits/train[validation]", report.get("temperature").get("fitted_on").asText());
        for (JsonNode c : calibration) {
            assertTrue(stdout.contains("  " + c.get("method").asText() + " "), stdout);
            assertTrue(c.get("warning").isNull());
            assertEquals(20, c.get("bootstrap").get("replicates").asInt());
        }
        // 763 images are few for the K² + K weights of matrix scaling, and isotonic maps give zeros (NLL
        // clamped at 1e-12): only the one- and 2K-parameter maps are sure to help this over-confident model.
        assertTrue(calibration.get(0).get("nll").asDouble() < report.get("nll").asDouble(), "temperature");
        assertTrue(calibration.get(1).get("nll").asDouble() < report.get("nll").asDouble(), "vector");
        assertEquals(report.get("temperature").get("t").asDouble(),
                calibration.get(0).get("parameters").get("temperature").asDouble(), 0.0);
        assertTrue(report.get("export").get("max_abs_difference").asDouble() <= 1e-4);
        assertEquals("isotonic", OnnxModels.metadata(OnnxModels.read(exported)).get("smoothcal.calibrator"));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Calibrators</h2>"), "calibrators section");
        for (String panel : new String[] {"as is: ECE", "temperature: ECE", "vector: ECE", "matrix: ECE",
            "isotonic: ECE"}) {
            assertTrue(html.contains("<title>" + panel), "one reliability panel per calibrator: " + panel);
        }
    }

    @Test
    void aFitOnTheTrainingDataIsRefusedUnlessAllowed() throws IOException {
        Path out = tmp.resolve("eval-train");
        int[] code = new int[1];
        String err = capture(false, () -> code[0] = Main.execute("evaluate", "--model", run.toString(),
                "--calibrate-on", "train", "--bootstrap", "0", "--out", out.toString()));
        assertEquals(2, code[0], err);
        assertTrue(err.contains("digits/train is the data the model was trained on"), err);
        assertFalse(Files.exists(out), "nothing written");

        String stdout = capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", run.toString(),
                "--calibrate-on", "train", "--allow-calibration-on-training-data", "--calibrators", "vector",
                "--bootstrap", "0", "--out", out.toString())));
        assertTrue(stdout.contains("warning: fitted on the model's training data"), stdout);
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("calibration").get(0).get("warning").asText().contains("training data"));
        assertTrue(report.get("temperature").get("warning").asText().contains("training data"));
    }

    private static String capture(boolean stdout, Runnable action) {
        PrintStream old = stdout ? System.out : System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(buf, true, StandardCharsets.UTF_8);
        if (stdout) {
            System.setOut(stream);
        } else {
            System.setErr(stream);
        }
        try {
            action.run();
        } finally {
            if (stdout) {
                System.setOut(old);
            } else {
                System.setErr(old);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
