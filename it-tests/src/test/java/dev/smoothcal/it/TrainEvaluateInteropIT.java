package dev.smoothcal.it;

import static dev.smoothcal.it.CliAssertions.assertCleanFailure;
import static dev.smoothcal.it.CliAssertions.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;

/**
 * One small training run in the full image (class-level, shared), then its model evaluated in the
 * evaluation-only image and checked for TF/ONNX parity, all through bind-mounted host folders.
 */
@ExtendWith(SmoothcalImages.class)
class TrainEvaluateInteropIT {

    /** Size of the UCI digits test split (optdigits.tes). */
    private static final int DIGITS_TEST_SIZE = 1797;
    private static final int EPOCHS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    /** Mounted at /data/out in every container that writes. */
    private static Path out;
    /** The training run on the host (out/run). */
    private static Path run;
    private static CliResult training;

    @BeforeAll
    static void trainOnce() throws IOException {
        out = HostFolders.writableByContainer(tmp, "out");
        run = out.resolve("run");
        training = SmoothcalCli.in(SmoothcalImages.FULL)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .timeout(Duration.ofMinutes(5))
                .run("train", "--data", "digits", "--model", "mlp", "--epochs", String.valueOf(EPOCHS),
                        "--batch-size", "64", "--label-smoothing", "0.1", "--seed", "7",
                        "--out", "/data/out/run");
    }

    @AfterAll
    static void handBackFolders() {
        if (out != null) {
            HostFolders.releaseToHost(SmoothcalImages.FULL, out);
        }
    }

    /** The run every other test reads; fails (never skips) those tests when training failed. */
    private static Path trainedRun() {
        assertSucceeded(training);
        return run;
    }

    @Test
    void trainingWritesACompleteRunDirectoryToTheHost() throws IOException {
        assertSucceeded(training);
        assertAll(
                () -> assertTrue(Files.isRegularFile(run.resolve("run.json")), "run.json"),
                () -> assertTrue(Files.isRegularFile(run.resolve("history.csv")), "history.csv"),
                () -> assertTrue(Files.isDirectory(run.resolve("saved_model")), "saved_model/"),
                () -> assertTrue(Files.size(run.resolve("model.onnx")) > 1000, "model.onnx"));
        JsonNode runJson = JSON.readTree(run.resolve("run.json").toFile());
        assertEquals(7, runJson.findValue("seed").asInt(), () -> "seed in run.json: " + runJson);
        long historyRows = Files.readAllLines(run.resolve("history.csv")).stream()
                .filter(l -> !l.isBlank()).count() - 1;
        assertEquals(EPOCHS, historyRows, "history.csv: one row per epoch after the header");
    }

    @Test
    void evaluatorImageReportsAccurateAndCalibratedModel() throws IOException {
        Path model = trainedRun();
        CliResult r = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(model, "/data/run", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("evaluate", "--model", "/data/run/model.onnx", "--data", "digits", "--split", "test",
                        "--out", "/data/out/eval-file");
        assertSucceeded(r);
        JsonNode report = JSON.readTree(out.resolve("eval-file/report.json").toFile());

        double accuracy = report.path("accuracy").asDouble(Double.NaN);
        double ece = report.path("ece").asDouble(Double.NaN);
        double nll = report.path("nll").asDouble(Double.NaN);
        double brier = report.path("brier").asDouble(Double.NaN);
        assertAll(
                () -> assertTrue(accuracy > 0.85 && accuracy <= 1.0, "accuracy " + accuracy),
                () -> assertTrue(ece >= 0.0 && ece <= 1.0, "ece " + ece),
                () -> assertTrue(nll > 0.0 && Double.isFinite(nll), "nll " + nll),
                () -> assertTrue(brier >= 0.0 && brier <= 2.0, "brier " + brier),
                () -> assertEquals(DIGITS_TEST_SIZE, report.path("data").path("size").asInt(), "data.size"),
                () -> assertEquals(DIGITS_TEST_SIZE, binCountTotal(report.path("bins")),
                        () -> "bin counts must add up to the test split size; bins: " + report.path("bins")));
    }

    @Test
    void evaluatingTheRunDirectoryGivesTheSameReportAsItsModelFile() throws IOException {
        Path model = trainedRun();
        CliResult byFile = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(model, "/data/run", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("evaluate", "--model", "/data/run/model.onnx", "--data", "digits", "--split", "test",
                        "--out", "/data/out/eval-same-file");
        CliResult byRun = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(model, "/data/run", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("evaluate", "--model", "/data/run", "--data", "digits", "--split", "test",
                        "--out", "/data/out/eval-same-run");
        assertSucceeded(byFile);
        assertSucceeded(byRun);
        JsonNode a = JSON.readTree(out.resolve("eval-same-file/report.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("eval-same-run/report.json").toFile());
        for (String metric : new String[] {"accuracy", "nll", "brier", "ece"}) {
            assertEquals(a.path(metric).asDouble(), b.path(metric).asDouble(), 0.0, metric);
        }
    }

    @Test
    void interopParityPassesInTheFullImage() throws IOException {
        Path trained = trainedRun();
        CliResult r = SmoothcalCli.in(SmoothcalImages.FULL)
                .bind(trained, "/data/run", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .timeout(Duration.ofMinutes(5))
                .run("interop", "--run", "/data/run", "--data", "digits", "--out", "/data/out/interop");
        assertSucceeded(r);
        JsonNode parity = JSON.readTree(out.resolve("interop/parity.json").toFile());
        assertTrue(parity.path("passed").isBoolean(), () -> "parity.json has no boolean 'passed': " + parity);
        assertTrue(parity.path("passed").asBoolean(), () -> "parity failed: " + parity);
    }

    @Test
    void truncatedModelIsRejectedWithAClearMessage() throws IOException {
        byte[] model = Files.readAllBytes(trainedRun().resolve("model.onnx"));
        Path broken = HostFolders.writableByContainer(tmp, "truncated");
        Files.write(broken.resolve("model.onnx"), Arrays.copyOf(model, model.length / 2));
        CliResult r = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(broken, "/data/model", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("evaluate", "--model", "/data/model/model.onnx", "--data", "digits", "--split", "test",
                        "--out", "/data/out/eval-truncated");
        assertCleanFailure(r, Pattern.compile("model\\.onnx|ONNX", Pattern.CASE_INSENSITIVE));
        assertTrue(Files.notExists(out.resolve("eval-truncated/report.json")), "no report for a broken model");
    }

    /** Sum of the per-bin sample counts. */
    private static long binCountTotal(JsonNode bins) {
        assertTrue(bins.isArray() && bins.size() > 0, () -> "bins must be a non-empty array: " + bins);
        long total = 0;
        for (JsonNode bin : bins) {
            JsonNode count = bin.get("count");
            assertTrue(count != null && count.canConvertToLong(), () -> "bin without a count: " + bin);
            total += count.asLong();
        }
        return total;
    }
}
