package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** train -> export -> evaluate -> interop on the built-in digits, through the command line. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void train() {
        run = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--data", "digits", "--model", "mlp", "--epochs", "6", "--batch-size", "64",
                "--label-smoothing", "0.1", "--seed", "7", "--out", run.toString()));
    }

    @Test
    @Order(1)
    void runDirectoryHoldsTheContract() throws IOException {
        for (String f : new String[] {"run.json", "history.csv", "saved_model/saved_model.pb", "model.onnx"}) {
            assertTrue(Files.exists(run.resolve(f)), f + " missing");
        }
        assertEquals(7, Files.readAllLines(run.resolve("history.csv")).size(), "header + 6 epochs");
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("run.json").toFile());
        assertEquals(3823, manifest.at("/dataset/size").asInt());
        assertEquals(0.1, manifest.at("/config/label_smoothing/alpha").asDouble());
        assertEquals("[8,8,1]", manifest.at("/input/shape").toString());
        // Provenance: model.onnx carries the same weights fingerprint as run.json.
        assertEquals(manifest.get("model_fingerprint").asText(), OnnxModels.metadata(OnnxModels.read(
                run.resolve("model.onnx"))).get("smoothcal.model_fingerprint"));
        assertTrue(Files.list(tmp).noneMatch(p -> p.getFileName().toString().contains("staging")), "staging left behind");
        // Provenance round trip: model.onnx carries run.json itself and the class names.
        var metadata = OnnxModels.metadata(OnnxModels.read(run.resolve("model.onnx")));
        assertEquals(manifest, Json.MAPPER.readTree(metadata.get("smoothcal.run")));
        assertEquals(manifest.get("class_names"), Json.MAPPER.readTree(metadata.get("smoothcal.class_names")));
    }

    @Test
    @Order(2)
    void evaluatesTheTestSplitWithOnnxRuntime() throws IOException {
        Path out = tmp.resolve("eval");
        assertEquals(0, Main.execute("evaluate", "--model", run.resolve("model.onnx").toString(), "--data", "digits",
                "--split", "test", "--out", out.toString()));
        JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("accuracy").asDouble() > 0.9, "accuracy " + report.get("accuracy"));
        double ece = report.get("ece").asDouble();
        assertTrue(ece >= 0 && ece < 1, "ece " + ece);
        long total = 0;
        double weightedGap = 0;
        for (JsonNode bin : report.get("bins")) {
            total += bin.get("count").asLong();
            if (bin.get("count").asLong() > 0) {
                weightedGap += bin.get("count").asLong()
                        * Math.abs(bin.get("mean_confidence").asDouble() - bin.get("accuracy").asDouble());
            }
        }
        assertEquals(1797, total, "every test image in one bin");
        assertEquals(15, report.get("bins").size());
        // ECE recomputed from the written bins: sum_b n_b/N |conf_b - acc_b|.
        assertEquals(ece, weightedGap / total, 1e-9);
        assertTrue(report.get("nll").asDouble() > 0 && report.get("brier").asDouble() > 0);
        // Provenance copied from model.onnx: the class names as a JSON array, not a string holding one.
        JsonNode manifest = Json.MAPPER.readTree(run.resolve("run.json").toFile());
        JsonNode names = report.at("/model/provenance/smoothcal.class_names");
        assertTrue(names.isArray(), names.toString());
        assertEquals(manifest.get("class_names"), names);
        assertEquals(manifest.get("model_fingerprint"), report.at("/model/provenance/smoothcal.model_fingerprint"));
    }

    @Test
    @Order(3)
    void interopPassesWithinTolerance() throws IOException {
        Path out = tmp.resolve("interop");
        assertEquals(0, Main.execute("interop", "--run", run.toString(), "--data", "digits", "--out", out.toString()));
        JsonNode parity = Json.MAPPER.readTree(out.resolve("parity.json").toFile());
        assertTrue(parity.get("passed").asBoolean());
        assertTrue(parity.at("/logits/max_abs_diff").asDouble() <= 1e-4);
        assertEquals(1797, parity.at("/argmax/total").asInt());
        assertEquals(0, parity.at("/argmax/disagreements").asInt());
        assertEquals("[1, 7, 256]", parity.get("batch_sizes").findValues("batch_size").toString());
        assertEquals(3, parity.get("loss").size(), "hard, smoothed and mixed labels");
        for (JsonNode l : parity.get("loss")) {
            double tf = l.get("tensorflow").asDouble();
            double onnx = l.get("onnx").asDouble();
            double ref = l.get("reference").asDouble();
            assertEquals(ref, tf, 1e-5 * ref, l.get("labels").asText());
            assertEquals(ref, onnx, 1e-5 * ref, l.get("labels").asText());
        }
        double ref = parity.at("/loss/1/reference").asDouble();
        assertEquals(0.1, parity.at("/loss/1/alpha").asDouble());
        assertEquals(0.0, parity.at("/loss/0/alpha").asDouble());
        // The smoothed loss is bounded below by the entropy of the smoothed one-hot target.
        double[] t = LabelSmoothing.uniform(0.1).smooth(0, 10);
        double entropy = 0;
        for (double v : t) {
            entropy -= v * Math.log(v);
        }
        assertTrue(ref > entropy, "loss " + ref + " below target entropy " + entropy);
        // The smoothed loss both ways training can smooth (by the loss, by the labels), on both paths: equal.
        assertEquals(2, parity.get("smoothing_methods").size(), "smoothed and mixed labels");
        for (JsonNode m : parity.get("smoothing_methods")) {
            double byLabels = m.get("reference_by_labels").asDouble();
            for (String key : List.of("tensorflow_by_loss", "tensorflow_by_labels", "onnx_by_loss", "onnx_by_labels")) {
                assertEquals(byLabels, m.get(key).asDouble(), 1e-5 * byLabels, m.get("labels").asText() + " " + key);
            }
        }
        assertEquals(ref, parity.at("/smoothing_methods/0/reference_by_labels").asDouble(), 1e-12 * ref,
                "core's reference: smoothing the targets first is the smoothed loss");
    }

    @Test
    @Order(4)
    void aMeanImageRunWithCutmixBoxesPassesInterop() throws IOException {
        Path meanImage = tmp.resolve("mean-image");
        assertEquals(0, Main.execute("train", "--epochs", "1", "--normalization", "mean-image", "--cutmix-minmax",
                "0.3,0.7", "--seed", "5", "--out", meanImage.toString()));
        JsonNode manifest = Json.MAPPER.readTree(meanImage.resolve("run.json").toFile());
        assertEquals("mean-image", manifest.at("/config/normalization").asText());
        assertEquals(0.3, manifest.at("/config/mix/cutmix_min").asDouble());
        assertEquals(0.7, manifest.at("/config/mix/cutmix_max").asDouble());
        assertEquals("[8,8,1]", manifest.at("/input/mean_shape").toString());
        Path out = tmp.resolve("interop-mean-image");
        assertEquals(0, Main.execute("interop", "--run", meanImage.toString(), "--out", out.toString()));
        assertTrue(Json.MAPPER.readTree(out.resolve("parity.json").toFile()).get("passed").asBoolean());
    }

    @Test
    @Order(4)
    void tamperedWeightsFailInterop() throws IOException {
        Path tampered = tmp.resolve("tampered");
        copyTree(run, tampered);
        OnnxProto.ModelProto model = OnnxModels.read(tampered.resolve("model.onnx"));
        OnnxProto.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals("dense1_kernel")) {
                OnnxProto.TensorProto.Builder w = graph.getInitializer(i).toBuilder();
                for (int j = 0; j < w.getFloatDataCount(); j++) {
                    w.setFloatData(j, w.getFloatData(j) * 1.01f);
                }
                graph.setInitializer(i, w);
            }
        }
        OnnxModels.write(model.toBuilder().setGraph(graph).build(), tampered.resolve("model.onnx"));
        Path out = tmp.resolve("interop-tampered");
        String err = captureErr(() -> assertEquals(1, Main.execute("interop", "--run", tampered.toString(),
                "--out", out.toString())));
        assertTrue(err.contains("logits differ"), err);
        JsonNode parity = Json.MAPPER.readTree(out.resolve("parity.json").toFile());
        assertFalse(parity.get("passed").asBoolean());
        assertTrue(parity.at("/logits/max_abs_diff").asDouble() > 1e-3);
    }

    @Test
    @Order(5)
    void resumeContinuesFromTheLastCheckpointAndRefusesAnotherModel() throws IOException {
        Path resumable = tmp.resolve("resumable");
        assertEquals(0, Main.execute("train", "--epochs", "2", "--seed", "3", "--out", resumable.toString()));
        List<String> firstTwo = Files.readAllLines(resumable.resolve("history.csv"));
        assertTrue(Files.isRegularFile(resumable.resolve("checkpoints/state.json")));
        assertTrue(Files.isRegularFile(resumable.resolve("plots/loss.png")));

        String err = captureErr(() -> assertEquals(2, Main.execute("train", "--resume", resumable.toString(),
                "--model", "no-such-model", "--epochs", "3")));
        assertTrue(err.contains("--resume: the run was trained with --model mlp, found --model no-such-model"), err);
        // Every other training setting is compared too, each difference named by its flag.
        String lr = captureErr(() -> assertEquals(2, Main.execute("train", "--resume", resumable.toString(),
                "--lr", "0.5", "--epochs", "3")));
        assertTrue(lr.contains("smoothcal: error: --resume: the run was trained with --lr 0.001, found --lr 0.5; "
                + "resume with the same value"), lr);
        String several = captureErr(() -> assertEquals(2, Main.execute("train", "--resume", resumable.toString(),
                "--optimizer", "sgd", "--mixup", "0.2", "--monitor", "val_ece", "--device", "cpu", "--seed", "3")));
        assertTrue(several.contains("trained with --optimizer adam, --mixup 0.0, --monitor val_loss, --device auto, "
                + "found --optimizer sgd, --mixup 0.2, --monitor val_ece, --device cpu; resume with the same values"),
                several);
        String boxes = captureErr(() -> assertEquals(2, Main.execute("train", "--resume", resumable.toString(),
                "--cutmix-minmax", "0.2,0.8", "--normalization", "mean-image")));
        assertTrue(boxes.contains("trained with --cutmix-minmax 0.0, --normalization channel, found --cutmix-minmax "
                + "0.2,0.8, --normalization mean-image; resume with the same values"), boxes);
        assertEquals(firstTwo, Files.readAllLines(resumable.resolve("history.csv")), "a refused resume changes nothing");

        assertEquals(0, Main.execute("train", "--resume", resumable.toString(), "--epochs", "3"));
        List<String> three = Files.readAllLines(resumable.resolve("history.csv"));
        assertEquals(4, three.size(), "header + 3 epochs");
        assertEquals(firstTwo, three.subList(0, 3), "the first two epochs come from the checkpoint, unchanged");
        JsonNode manifest = Json.MAPPER.readTree(resumable.resolve("run.json").toFile());
        assertEquals(3, manifest.at("/outcome/epochs_run").asInt());
        int best = manifest.at("/outcome/best_epoch").asInt();
        double bestLoss = Double.MAX_VALUE;
        int expectedBest = 0;
        for (int e = 1; e <= 3; e++) {
            double loss = Double.parseDouble(three.get(e).split(",")[3]);
            if (loss < bestLoss) {
                bestLoss = loss;
                expectedBest = e;
            }
        }
        assertEquals(expectedBest, best, "the exported epoch has the lowest val_loss");
    }

    @Test
    @Order(6)
    void aSavedModelFromAnotherTrainingIsRefused() throws IOException {
        Path mixed = tmp.resolve("mixed-up");
        copyTree(run, mixed);
        dev.smoothcal.core.io.AtomicFiles.deleteTree(mixed.resolve("saved_model"));
        copyTree(tmp.resolve("resumable").resolve("saved_model"), mixed.resolve("saved_model"));
        Path out = tmp.resolve("interop-mixed-up");
        String err = captureErr(() -> assertEquals(2, Main.execute("interop", "--run", mixed.toString(),
                "--out", out.toString())));
        assertTrue(err.contains("saved_model/ and run.json of " + mixed + " come from different trainings"), err);
        assertFalse(Files.exists(out), "no parity.json for a refused run");

        // evaluate of a run folder whose model.onnx comes from another run says so.
        Path foreign = tmp.resolve("foreign-onnx");
        copyTree(run, foreign);
        Files.copy(tmp.resolve("resumable").resolve("model.onnx"), foreign.resolve("model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path eval = tmp.resolve("eval-foreign");
        String evaluated = captureErr(() -> assertEquals(2, Main.execute("evaluate", "--model", foreign.toString(),
                "--out", eval.toString())));
        assertTrue(evaluated.contains("smoothcal: error: --model " + foreign + ": model.onnx and run.json come from "
                + "different trainings"), evaluated);
        assertFalse(Files.exists(eval));
    }

    @Test
    @Order(7)
    void convolutionalModelWithMixingPassesInterop() throws IOException {
        Path cnn = tmp.resolve("cnn");
        assertEquals(0, Main.execute("train", "--model", "cnn", "--epochs", "1", "--mixup", "0.2", "--cutmix", "1.0",
                "--seed", "5", "--out", cnn.toString()));
        Path out = tmp.resolve("interop-cnn");
        assertEquals(0, Main.execute("interop", "--run", cnn.toString(), "--out", out.toString()));
        JsonNode parity = Json.MAPPER.readTree(out.resolve("parity.json").toFile());
        assertTrue(parity.get("passed").asBoolean());
        for (JsonNode b : parity.get("batch_sizes")) {
            assertTrue(b.get("logits_max_abs_diff").asDouble() <= 1e-4, b.toString());
        }
        assertEquals(1797, parity.at("/argmax/agree").asInt() + parity.at("/argmax/disagree_on_ties").asInt());
    }

    @Test
    @Order(8)
    void aCheckpointTensorFlowCannotRestoreIsABackendFailure() throws IOException {
        // state.json still matches the run, so validation passes; TensorFlow then fails to read the checkpoint.
        Path corrupted = tmp.resolve("corrupted-checkpoint");
        copyTree(run, corrupted);
        try (var files = Files.list(corrupted.resolve("checkpoints/latest"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.writeString(f, "not a TensorFlow checkpoint");
            }
        }
        String err = captureErr(() -> assertEquals(3, Main.execute("train", "--resume", corrupted.toString(),
                "--epochs", "7")));
        List<String> errors = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).startsWith("smoothcal: error: could not restore checkpoint "), err);
        assertFalse(err.contains("\tat "), "no stack trace without --verbose: " + err);
        assertEquals(7, Files.readAllLines(corrupted.resolve("history.csv")).size(), "the run is left as it was");
    }

    @Test
    @Order(9)
    void parityNamesANonFiniteSampleFirst() {
        var digits = dev.smoothcal.core.data.DatasetSource.load("digits", dev.smoothcal.core.data.DatasetSplit.TEST);
        float[] images = digits.images().clone();
        images[12 * 64 + 30] = Float.NaN;
        // The first line of defence: a Dataset refuses a non-finite pixel, naming the sample and the position.
        var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.smoothcal.core.SmoothcalException.class,
                () -> new dev.smoothcal.core.data.Dataset(digits.name(), images, digits.labels(), digits.shape(),
                        digits.classNames()));
        assertEquals("dataset digits/test: expected finite pixel values within [-2^64, 2^64], found NaN in sample 12 "
                + "(value 30 of 64)", refused.getMessage());
        // Parity must still explain a NaN that gets past it (the accessors hand out the backing array, which a
        // caller may corrupt): the NaN is put below the Dataset level, into a valid dataset's own pixels.
        float[] pixels = digits.images().clone();
        var poisoned = new dev.smoothcal.core.data.Dataset(digits.name(), pixels, digits.labels(), digits.shape(),
                digits.classNames());
        pixels[12 * 64 + 30] = Float.NaN;
        var report = dev.smoothcal.interop.ParityCheck.run(new dev.smoothcal.core.run.RunDirectory(run), poisoned,
                dev.smoothcal.interop.ParityTolerance.DEFAULT, List.of(1, 7));
        assertFalse(report.passed());
        // TensorFlow's ReLU maps the NaN to 0 and stays finite; ONNX Runtime propagates it. Either way the NaN,
        // not the small logit differences elsewhere, comes first.
        assertEquals("ONNX Runtime gives non-finite logits for sample 12 at batch size 1 (class 0: NaN); its image "
                + "holds a non-finite pixel (NaN at index 30)", report.failures().get(0), report.failures().toString());
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws IOException {
        Path out = tmp.resolve("never");
        Path corrupt = Files.writeString(tmp.resolve("corrupt.onnx"), "not a model");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String[][] cases = {
                {"train", "--data", tmp.resolve("missing").toString(), "--out", out.toString()},
                {"train", "--data", "imagenet", "--out", out.toString()},
                {"train", "--label-smoothing", "-0.1", "--out", out.toString()},
                {"train", "--label-smoothing", "1.5", "--out", out.toString()},
                {"train", "--batch-size", "0", "--out", out.toString()},
                {"evaluate", "--model", corrupt.toString(), "--out", out.toString()},
                {"train", "--epochs", "1", "--out", file.toString()},
        };
        String[] expected = {"existing path", "'digits'", "[0, 1), found -0.1", "[0, 1), found 1.5",
                "--batch-size must be in [1, 65536], found 0", "expected an ONNX model", "must be a folder"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = cases[i];
            int[] code = new int[1];
            String err = captureErr(() -> code[0] = Main.execute(args));
            assertEquals(2, code[0], String.join(" ", args));
            String line = err.lines().filter(l -> l.startsWith("smoothcal: error:")).findFirst().orElse("");
            assertTrue(line.contains(expected[i]), "case " + i + ": " + err);
            assertFalse(err.contains("\tat "), "no stack trace without --verbose: " + err);
            assertFalse(Files.exists(out), "nothing written for case " + i);
        }
        assertEquals("x", Files.readString(file), "the user's file is untouched");
    }

    static String captureErr(Runnable action) {
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

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
