package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
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
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate's calibration and prediction flags and the compare command, through {@link Main#execute}, on
 * the built-in digits with nearest-class-mean models written here: {@code z_k = s (x . mu_k - |mu_k|^2 / 2)}
 * (mu_k = mean training image of class k), a reasonable classifier whose confidence grows with s.
 */
class EvaluationCommandsTest {
    @TempDir
    static Path tmp;
    static Dataset test;
    static double[][] means;
    static Path soft;
    static Path sharp;

    @BeforeAll
    static void models() {
        Dataset train = DatasetSource.load("digits", DatasetSplit.TRAIN);
        test = DatasetSource.load("digits", DatasetSplit.TEST);
        means = new double[10][64];
        int[] counts = new int[10];
        for (int i = 0; i < train.size(); i++) {
            counts[train.labels()[i]]++;
            for (int j = 0; j < 64; j++) {
                means[train.labels()[i]][j] += train.images()[i * 64 + j];
            }
        }
        for (int k = 0; k < 10; k++) {
            for (int j = 0; j < 64; j++) {
                means[k][j] /= counts[k];
            }
        }
        soft = write("soft.onnx", 0.01, 10);
        sharp = write("sharp.onnx", 0.2, 10);
    }

    /** The model with scale s, keeping only the first {@code classes} class means. */
    static Path write(String name, double s, int classes) {
        float[] w = new float[64 * classes];
        float[] b = new float[classes];
        for (int k = 0; k < classes; k++) {
            double norm = 0;
            for (int j = 0; j < 64; j++) {
                w[j * classes + k] = (float) (s * means[k][j]);
                norm += means[k][j] * means[k][j];
            }
            b[k] = (float) (-s * norm / 2);
        }
        Path file = tmp.resolve(name);
        OnnxModels.write(new OnnxGraphBuilder("nearest_mean")
                .input("images", Dim.BATCH, Dim.of(8), Dim.of(8), Dim.of(1))
                .output("logits", Dim.BATCH, Dim.of(classes))
                .initializer("shape", new long[] {-1, 64}, 2)
                .initializer("w", w, 64, classes)
                .initializer("b", b, classes)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.of(Map.of("smoothcal.class_names", "digits"))), file);
        return file;
    }

    @Test
    void evaluateCalibratesExportsAndSavesPredictions() throws IOException {
        Path out = tmp.resolve("eval-cal");
        Path calibrated = tmp.resolve("sharp-calibrated.onnx");
        String stdout = capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", sharp.toString(),
                "--calibrate-on", "train", "--export-calibrated", calibrated.toString(), "--save-predictions",
                "--bootstrap", "0", "--out", out.toString())));
        assertTrue(stdout.contains("temperature T = ") && stdout.contains("fitted on digits/train"), stdout);
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonNode t = report.get("temperature");
        assertEquals("digits/train", t.get("fitted_on").asText());
        assertTrue(t.get("warning").isNull());
        for (String f : new String[] {"bins.csv", "report.html", "reliability.png", "reliability.svg",
                "confidence.png", "confidence.svg", "reliability-calibrated.png", "reliability-calibrated.svg"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertNotNull(ImageIO.read(out.resolve("reliability.png").toFile()));
        assertNotNull(ImageIO.read(out.resolve("reliability-calibrated.png").toFile()));
        List<String> predictions = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals(1798, predictions.size(), "header + 1797 test images");
        // Accuracy recomputed from predictions.csv (label vs predicted columns).
        long right = predictions.stream().skip(1).map(l -> l.split(",")).filter(c -> c[1].equals(c[2])).count();
        assertEquals(report.get("accuracy").asDouble(), right / 1797.0, 1e-12);

        double temperature = t.get("t").asDouble();
        assertEquals(temperature, Double.parseDouble(OnnxModels.metadata(OnnxModels.read(calibrated))
                .get("smoothcal.temperature")), 1e-6 * temperature);
        assertEquals("digits", OnnxModels.metadata(OnnxModels.read(calibrated)).get("smoothcal.class_names"));
        // The exported model evaluated plainly gives the after-values of the first run.
        Path again = tmp.resolve("eval-calibrated-model");
        capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", calibrated.toString(), "--bootstrap",
                "0", "--out", again.toString())));
        JsonNode second = Json.MAPPER.readTree(again.resolve("report.json").toFile());
        assertEquals(t.get("nll_after").asDouble(), second.get("nll").asDouble(), 1e-5);
        assertEquals(t.get("ece_after").asDouble(), second.get("ece").asDouble(), 1e-5);
        assertTrue(second.get("temperature").isNull());
        assertFalse(Files.exists(again.resolve("reliability-calibrated.png")), "no temperature, no tempered diagram");
        // The tempered diagram's bins are those of the exported model evaluated plainly (a sample within
        // float rounding of a bin edge may land in the neighbouring bin).
        long moved = 0;
        for (int b = 0; b < second.get("bins").size(); b++) {
            moved += Math.abs(t.get("bins_after").get(b).get("count").asLong()
                    - second.get("bins").get(b).get("count").asLong());
        }
        assertTrue(moved <= 2, "bin counts differ by " + moved);
    }

    /** A model whose weights live in an external data file: the calibrated copy carries them inline. */
    @Test
    void aCalibratedExportOfAModelWithExternalDataIsSelfContained() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("external"));
        var proto = OnnxModels.read(sharp);
        var graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            var t = graph.getInitializer(i);
            if (t.getName().equals("w")) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(4 * t.getFloatDataCount())
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                t.getFloatDataList().forEach(bytes::putFloat);
                Files.write(folder.resolve("weights.bin"), bytes.array());
                graph.setInitializer(i, t.toBuilder().clearFloatData()
                        .setDataLocation(dev.smoothcal.onnx.proto.OnnxProto.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto.newBuilder()
                                .setKey("location").setValue("weights.bin")));
            }
        }
        Path external = folder.resolve("external.onnx");
        OnnxModels.write(proto.toBuilder().setGraph(graph).build(), external);
        Path calibrated = Files.createDirectories(tmp.resolve("elsewhere")).resolve("calibrated.onnx");
        capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", external.toString(), "--calibrate-on",
                "train", "--export-calibrated", calibrated.toString(), "--bootstrap", "0", "--out",
                tmp.resolve("eval-external").toString())));
        // Loaded from another folder, with no weights.bin beside it, by ONNX Runtime.
        capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", calibrated.toString(), "--bootstrap",
                "0", "--out", tmp.resolve("eval-external-calibrated").toString())));
        assertTrue(OnnxModels.read(calibrated).getGraph().getInitializerList().stream()
                .noneMatch(t -> t.getExternalDataCount() > 0), "no external data left");
    }

    /** Each phase is labelled: the fit split scored, the temperature searched, then the evaluated split. */
    @Test
    void calibrationShowsAPhaseLabelWhileFitting() {
        List<String> phases = new java.util.ArrayList<>();
        dev.smoothcal.evaluator.evaluation.Evaluation.run(dev.smoothcal.evaluator.evaluation.EvaluationRequest
                .of(soft, test).withBootstrapReplicates(0).withCalibration(DatasetSource.load("digits", DatasetSplit.TRAIN)),
                new dev.smoothcal.evaluator.evaluation.EvaluationListener() {
                    @Override
                    public void phase(String phase, int total) {
                        phases.add(phase + " " + total);
                    }
                });
        assertEquals(List.of("scoring digits/train for the temperature 3823", "fitting the temperature on digits/train 0",
                "evaluating 1797"), phases);
    }

    @Test
    void calibratingOnTheEvaluatedSplitWarns() throws IOException {
        Path out = tmp.resolve("eval-same");
        String stdout = capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", soft.toString(),
                "--split", "test", "--calibrate-on", "test", "--bootstrap", "0", "--out", out.toString())));
        assertTrue(stdout.contains("warning: the temperature was fitted on the evaluated split"), stdout);
        JsonNode t = Json.MAPPER.readTree(out.resolve("report.json").toFile()).get("temperature");
        assertTrue(t.get("warning").asText().contains("optimistic"));
        // Fitted on this very split, T minimises this split's NLL: it cannot be worse than T = 1.
        assertTrue(t.get("nll_after").asDouble() <= t.get("nll_before").asDouble() + 1e-6);
    }

    @Test
    void compareWritesOneTableAndOneOverlay() throws IOException {
        Path out = tmp.resolve("compare");
        String stdout = capture(true, () -> assertEquals(0, Main.execute("compare", "--model", soft.toString(),
                "--model", sharp.toString(), "--label", "soft", "--label", "sharp", "--bootstrap", "0",
                "--out", out.toString())));
        assertTrue(stdout.lines().anyMatch(l -> l.startsWith("metric") && l.contains("soft") && l.contains("sharp")),
                stdout);
        // Reference accuracy: nearest class mean in double precision, lowest index on ties.
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 10; k++) {
                double d = 0;
                for (int j = 0; j < 64; j++) {
                    double diff = test.images()[i * 64 + j] - means[k][j];
                    d += diff * diff;
                }
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            right += best == test.labels()[i] ? 1 : 0;
        }
        JsonNode json = Json.MAPPER.readTree(out.resolve("compare.json").toFile());
        assertEquals("smoothcal-compare/2", json.get("format").asText());
        assertEquals(2, json.get("models").size());
        assertTrue(json.get("bootstrap").isNull() && json.get("differences").isEmpty(), "--bootstrap 0: no intervals");
        for (JsonNode m : json.get("models")) {
            // Both scales rank classes alike; float32 may flip a near tie or two.
            assertEquals(right / 1797.0, m.get("accuracy").asDouble(), 2.0 / 1797, m.get("label").asText());
        }
        assertTrue(json.at("/models/1/nll").asDouble() != json.at("/models/0/nll").asDouble());
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("soft,") && csv.get(2).startsWith("sharp,"), csv.toString());
        assertNotNull(ImageIO.read(out.resolve("reliability-overlay.png").toFile()));
        assertTrue(Files.size(out.resolve("reliability-overlay.svg")) > 0);
        assertTrue(Files.readString(out.resolve("compare.html")).contains("<svg"));
    }

    @Test
    void compareKeepsPairedIntervals() throws IOException {
        Path out = tmp.resolve("compare-intervals");
        capture(true, () -> assertEquals(0, Main.execute("compare", "--model", soft.toString(),
                "--model", sharp.toString(), "--label", "soft", "--label", "sharp", "--bootstrap", "50",
                "--out", out.toString())));
        JsonNode json = Json.MAPPER.readTree(out.resolve("compare.json").toFile());
        assertEquals(50, json.at("/bootstrap/replicates").asInt());
        assertEquals("soft", json.at("/bootstrap/baseline").asText());
        JsonNode report = json.at("/models/1/intervals/accuracy");
        assertTrue(report.get("lower").asDouble() <= report.get("estimate").asDouble()
                && report.get("estimate").asDouble() <= report.get("upper").asDouble(), report.toString());
        JsonNode d = json.at("/differences/0");
        assertEquals("sharp", d.get("label").asText());
        assertEquals(json.at("/models/1/nll").asDouble() - json.at("/models/0/nll").asDouble(),
                d.at("/difference/nll/estimate").asDouble(), 1e-12);
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertTrue(csv.get(0).contains(",accuracy_lower,accuracy_upper,") && csv.get(0).endsWith(",classwise_ece_diff_upper"),
                csv.get(0));
        assertTrue(Files.readString(out.resolve("compare.html")).contains("Differences to soft"));
    }

    @Test
    void badInputsAreOneLineExitTwoAndWriteNothing() throws IOException {
        Path out = tmp.resolve("never");
        Path notOnnx = Files.writeString(tmp.resolve("notes.onnx"), "these are notes, not a model");
        Path wide = write("wide.onnx", 0.1, 10);
        // A model whose input cannot take 8x8x1 images: [N, 100].
        Path wrongInput = tmp.resolve("wrong-input.onnx");
        OnnxModels.write(new OnnxGraphBuilder("wrong").input("x", Dim.BATCH, Dim.of(100))
                .output("logits", Dim.BATCH, Dim.of(10)).initializer("w", new float[1000], 100, 10)
                .node("MatMul", List.of("x", "w"), "logits").build(ModelMetadata.NONE), wrongInput);
        Path fiveClasses = write("five.onnx", 0.1, 5);
        Path emptyCsv = Files.writeString(tmp.resolve("optdigits-test.csv"), "");
        Path existing = Files.writeString(tmp.resolve("existing.onnx"), "keep me");
        String[][] cases = {
                {"evaluate", "--model", wide.toString(), "--export-calibrated", tmp.resolve("x.onnx").toString(),
                        "--out", out.toString()},
                {"evaluate", "--model", wide.toString(), "--calibrate-on", "validation", "--out", out.toString()},
                {"evaluate", "--model", wide.toString(), "--calibrate-on", "train", "--export-calibrated",
                        existing.toString(), "--out", out.toString()},
                {"evaluate", "--model", fiveClasses.toString(), "--calibrate-on", "train", "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--model", sharp.toString(), "--label", "one", "--out",
                        out.toString()},
                {"compare", "--model", wide.toString(), "--model", notOnnx.toString(), "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--model", wrongInput.toString(), "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--model", fiveClasses.toString(), "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--model", sharp.toString(), "--label", "a", "--label", "a",
                        "--out", out.toString()},
                {"compare", "--model", wide.toString(), "--model", sharp.toString(), "--data", emptyCsv.toString(),
                        "--split", "test", "--out", out.toString()},
        };
        String[] expected = {"expected --calibrate-on SPLIT",
                "--calibrate-on validation needs a model smoothcal trained", "already exists",
                "labels up to 9 but the model outputs 5 classes", "at least two --model, found 1",
                "one --label per --model (2), found 1", "model 'notes': expected an ONNX model",
                "model 'wrong-input': model input 'x' has shape [-1, 100]",
                "model 'five': data digits/test has labels up to 9 but the model outputs 5 classes", "must be distinct, found 'a' twice", "optdigits-test.csv"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = cases[i];
            int[] code = new int[1];
            String err = capture(false, () -> code[0] = Main.execute(args));
            assertEquals(2, code[0], String.join(" ", args) + "\n" + err);
            List<String> errors = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
            assertEquals(1, errors.size(), "one error line for case " + i + ": " + err);
            assertTrue(errors.get(0).contains(expected[i]), "case " + i + ": " + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertFalse(err.contains("evaluating "), "refused before the first model is evaluated: " + err);
            assertFalse(Files.exists(out), "nothing written for case " + i);
            assertFalse(Files.exists(tmp.resolve("x.onnx")), "no calibrated model for case " + i);
        }
        assertEquals("keep me", Files.readString(existing), "an existing file is never replaced without --overwrite");
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("staging")), "no staging folder left");
        }
    }

    /** Runs {@code action} and returns what it printed on stdout ({@code stdout}) or stderr. */
    @Test
    void aFailingRuleExitsOneWithItsValueAndAGateSectionInTheReport() throws IOException {
        Path out = tmp.resolve("gate-fails");
        String stdout = capture(true, () -> assertEquals(1, Main.execute("evaluate", "--model", soft.toString(),
                "--require", "ece<=0.001", "--require", "accuracy >= 0.5", "--bootstrap", "20", "--require",
                "accuracy.lower>=0.5", "--out", out.toString())));
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonNode gate = report.get("gate");
        assertFalse(gate.get("passed").asBoolean());
        assertEquals(3, gate.get("verdicts").size());
        JsonNode ece = gate.get("verdicts").get(0);
        assertEquals("ece <= 0.001", ece.get("rule").asText());
        assertEquals(report.get("ece").asDouble(), ece.get("value").asDouble(), 0.0);
        assertFalse(ece.get("passed").asBoolean());
        assertTrue(gate.get("verdicts").get(1).get("passed").asBoolean());
        assertEquals(report.get("bootstrap").get("accuracy").get("lower").asDouble(),
                gate.get("verdicts").get(2).get("value").asDouble(), 0.0);
        assertTrue(stdout.contains(String.format(java.util.Locale.ROOT, "%-40s %12.4f %12.4f  FAILED", "ece <= 0.001",
                report.get("ece").asDouble(), 0.001)), stdout);
        assertTrue(stdout.contains("gate: FAILED (1 of 3 rules)"), stdout);

        Path passing = tmp.resolve("gate-passes");
        String ok = capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", soft.toString(),
                "--require", "accuracy>=0.5", "--bootstrap", "0", "--out", passing.toString())));
        assertTrue(ok.contains("gate: PASSED"), ok);
        JsonNode plain = Json.MAPPER.readTree(tmp.resolve("gate-passes/report.json").toFile());
        assertTrue(plain.get("gate").get("passed").asBoolean());
    }

    @Test
    void badRulesAreRefusedBeforeAnyModelRuns() {
        for (String[] bad : new String[][] {{"--require", "ece<="}, {"--require", "acc>=0.9"},
                {"--require", "ece<=baseline.ece"}, {"--require", "ece.upper<=0.2", "--bootstrap", "0"}}) {
            Path out = tmp.resolve("gate-bad");
            List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--model",
                    tmp.resolve("no-such-model.onnx").toString(), "--out", out.toString()));
            args.addAll(List.of(bad));
            String stderr = capture(false, () -> assertEquals(2, Main.execute(args.toArray(String[]::new))));
            assertTrue(stderr.startsWith("smoothcal: error: --"), stderr);
            assertFalse(stderr.contains("no-such-model"), "the rule is checked before the model: " + stderr);
            assertEquals(1, stderr.lines().count(), stderr);
            assertFalse(Files.exists(out));
        }
        String unknown = capture(false, () -> Main.execute("evaluate", "--model", soft.toString(), "--require",
                "acc>=0.9", "--out", tmp.resolve("x").toString()));
        assertTrue(unknown.contains("--require rule 'acc>=0.9' names an unknown metric 'acc'; expected one of [accuracy,"),
                unknown);
    }

    @Test
    void aBaselineReportBoundsARetrainedModel() throws IOException {
        Path old = tmp.resolve("gate-baseline");
        capture(true, () -> assertEquals(0, Main.execute("evaluate", "--model", sharp.toString(), "--bootstrap", "0",
                "--out", old.toString())));
        double oldAccuracy = Json.MAPPER.readTree(old.resolve("report.json").toFile()).get("accuracy").asDouble();
        Path out = tmp.resolve("gate-vs-baseline");
        capture(true, () -> Main.execute("evaluate", "--model", soft.toString(), "--bootstrap", "0", "--baseline",
                old.resolve("report.json").toString(), "--require", "accuracy>=baseline.accuracy-0.01", "--out",
                out.toString()));
        JsonNode gate = Json.MAPPER.readTree(out.resolve("report.json").toFile()).get("gate");
        assertEquals(oldAccuracy - 0.01, gate.get("verdicts").get(0).get("bound").asDouble(), 1e-15);
        assertEquals(old.resolve("report.json").toString(), gate.get("baseline").asText());
    }

    @Test
    void compareGatesEveryModel() throws IOException {
        Path out = tmp.resolve("gate-compare");
        String stdout = capture(true, () -> assertEquals(1, Main.execute("compare", "--model", soft.toString(),
                "--model", sharp.toString(), "--bootstrap", "0", "--require", "mce<=0.99", "--require",
                "nll<=0.5", "--out", out.toString())));
        JsonNode models = Json.MAPPER.readTree(out.resolve("compare.json").toFile()).get("models");
        for (JsonNode m : models) {
            boolean nllOk = m.get("nll").asDouble() <= 0.5;
            assertEquals(nllOk, m.get("gate").get("verdicts").get(1).get("passed").asBoolean(), m.toString());
        }
        assertTrue(stdout.contains("gate soft: ") && stdout.contains("gate sharp: "), stdout);
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
