package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad inputs a hostile or careless user gives, through the command line. Every case runs in its own empty
 * folder, which its setup fills with the files the case needs (truncated or lying files, huge shapes, hostile
 * names, a copied run); each asserts the exit code, exactly one {@code smoothcal: error:} line holding the
 * expected text, no stack trace, and that the folder holds afterwards exactly what the setup put there: no
 * output, no staging folder, no temporary file.
 *
 * <p>To add a case, add one {@link #c} line to {@link #cases()}: a name, the exit code, a fragment of the
 * one-line message, and a setup that writes what the case needs into its folder and returns the arguments.
 * With the environment variable {@code HOSTILE_DUMP=FILE} every case appends its exit code and error line to
 * FILE, to review the messages as a user reads them.
 */
class HostileInputTest {
    @TempDir
    static Path tmp;
    /** A trained run (1 epoch of the MLP on digits), copied into the cases that need one. */
    static Path fixtureRun;

    /** Writes a case's files into its folder {@code dir} and returns the command line. */
    @FunctionalInterface
    interface Setup {
        String[] args(Path dir) throws IOException;
    }

    /** One case of the table. */
    record Case(String name, int exit, String message, Setup setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Arguments c(String name, int exit, String message, Setup setup) {
        return Arguments.of(new Case(name, exit, message, setup));
    }

    private static String[] a(String... args) {
        return args;
    }

    @BeforeAll
    static void trainFixture() {
        fixtureRun = tmp.resolve("fixture-run");
        assertEquals(0, Main.execute("train", "--epochs", "1", "--batch-size", "256", "--seed", "1", "--out",
                fixtureRun.toString()));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // --- command line: flags out of range, unknown flags and commands ---
                c("no command", 2, "a command is required", d -> a()),
                c("unknown command", 2, "Unmatched argument at index 0: 'trian'", d -> a("trian")),
                c("unknown flag", 2, "Unknown option: '--no-such-flag'", d -> a("train", "--no-such-flag", "--out",
                        out(d))),
                c("epochs not a number", 2, "Invalid value for option '--epochs'", d -> a("train", "--epochs", "many",
                        "--out", out(d))),
                c("epochs 0", 2, "--epochs must be", d -> a("train", "--epochs", "0", "--out", out(d))),
                c("batch size 0", 2, "--batch-size must be", d -> a("train", "--batch-size", "0", "--out", out(d))),
                c("learning rate 0", 2, "--lr must be", d -> a("train", "--lr", "0", "--out", out(d))),
                c("learning rate NaN", 2, "--lr must be", d -> a("train", "--lr", "NaN", "--out", out(d))),
                c("label smoothing 1.5", 2, "--label-smoothing must be in [0, 1), found 1.5", d -> a("train",
                        "--label-smoothing", "1.5", "--out", out(d))),
                c("label smoothing infinite", 2, "--label-smoothing must be in [0, 1), found Infinity", d -> a("train",
                        "--label-smoothing", "Infinity", "--out", out(d))),
                c("mixup negative", 2, "--mixup", d -> a("train", "--mixup", "-1", "--out", out(d))),
                c("validation fraction 1", 2, "--validation-fraction", d -> a("train", "--validation-fraction", "1",
                        "--out", out(d))),
                c("shift 2", 2, "--shift must be in [0, 1), found 2.0", d -> a("train", "--shift", "2", "--out", out(d))),
                c("patience negative", 2, "--patience", d -> a("train", "--patience", "-1", "--out", out(d))),
                c("unknown mix mode", 2, "--mix-mode", d -> a("train", "--mix-mode", "pixel", "--out", out(d))),
                c("unknown smoothing convention", 2, "--smoothing-convention", d -> a("train",
                        "--smoothing-convention", "sideways", "--out", out(d))),
                c("unknown optimizer", 2, "--optimizer must be one of", d -> a("train", "--optimizer", "rmsprop",
                        "--out", out(d))),
                c("unknown device", 2, "--device", d -> a("train", "--device", "tpu", "--out", out(d))),
                c("train without out", 2, "train needs --out DIR", d -> a("train")),
                c("train out is a file", 2, "--out must be a folder (new or existing), found a file",
                        d -> a("train", "--out", file(d, "notes.txt", "notes"))),
                c("train over an earlier run", 2, "already holds run.json", d -> a("train", "--epochs", "1", "--out",
                        run(d))),
                c("overwrite with data that then fails", 2, "leaves an empty part", d -> a("train", "--overwrite",
                        "--data", twoImages(d), "--out", run(d))),
                // --- models: huge shapes, bad JSON, a byte-order mark ---
                c("dense 2147483647", 2, "budget of 134217728", d -> a("train", "--model", file(d, "huge.json",
                        model("{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2147483647}")), "--out", out(d))),
                c("two dense 100000", 2, "layers[2] Dense[units=100000] brings the model to", d -> a("train",
                        "--model", file(d, "wide.json", model("{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": "
                                + "100000}, {\"type\": \"dense\", \"units\": 100000}")), "--out", out(d))),
                c("conv with a billion filters", 2, "--model", d -> a("train", "--model", file(d, "filters.json",
                        model("{\"type\": \"conv2d\", \"filters\": 1000000000, \"kernel\": [3, 3]}")), "--out", out(d))),
                c("model not JSON", 2, "expected valid JSON", d -> a("train", "--model", file(d, "m.json", "{layers: ["),
                        "--out", out(d))),
                c("model truncated", 2, "expected valid JSON", d -> a("train", "--model", file(d, "m.json",
                        model("{\"type\": \"flatten\"}").substring(0, 30)), "--out", out(d))),
                c("unknown layer type", 2, "flat", d -> a("train", "--model", file(d, "m.json",
                        model("{\"type\": \"flat\"}")), "--out", out(d))),
                c("unknown layer key", 2, "unit", d -> a("train", "--model", file(d, "m.json",
                        model("{\"type\": \"flatten\"}, {\"type\": \"dense\", \"unit\": 8}")), "--out", out(d))),
                c("negative units", 2, "units", d -> a("train", "--model", file(d, "m.json",
                        model("{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": -3}")), "--out", out(d))),
                c("dense on an image", 2, "layers[0] Dense[units=8] needs a flat input", d -> a("train", "--model",
                        file(d, "m.json", model("{\"type\": \"dense\", \"units\": 8}")), "--out", out(d))),
                c("window larger than the image", 2, "needs at least 9x9 pixels", d -> a("train", "--model",
                        file(d, "m.json", model("{\"type\": \"max_pool\", \"pool\": [9, 9], \"strides\": [1, 1], "
                                + "\"padding\": \"valid\"}")), "--out", out(d))),
                c("model declares 20 classes", 2, "declares 20 classes, found data with 10", d -> a("train", "--model",
                        file(d, "m.json", "{\"name\": \"m\", \"classes\": 20, \"layers\": [{\"type\": \"flatten\"}]}"),
                        "--out", out(d))),
                c("model file with BOM and a bad layer", 2, "model file", d -> a("train", "--model", file(d, "m.json",
                        "\uFEFF" + model("{\"type\": \"flat\"}")), "--out", out(d))),
                c("model file missing", 2, "--model", d -> a("train", "--model", d.resolve("gone.json").toString(),
                        "--out", out(d))),
                // --- resume: every setting compared, the run left as it was ---
                c("resume with another lr", 2, "trained with --lr 0.001, found --lr 0.5", d -> a("train", "--resume",
                        run(d), "--lr", "0.5")),
                c("resume with another schedule and weight decay", 2,
                        "trained with --weight-decay 0.0, --schedule constant, found --weight-decay 0.01, --schedule cosine",
                        d -> a("train", "--resume", run(d), "--schedule", "cosine", "--weight-decay", "0.01")),
                c("resume with another model", 2, "trained with --model mlp, found --model cnn", d -> a("train",
                        "--resume", run(d), "--model", "cnn")),
                c("resume elsewhere", 2, "--resume continues the run in place", d -> a("train", "--resume", run(d),
                        "--out", out(d))),
                c("resume a folder without checkpoints", 2, "expected checkpoints/config.json", d -> a("train",
                        "--resume", Files.createDirectories(d.resolve("empty")).toString())),
                c("resume a truncated config.json", 2, "config.json to be valid JSON, found: Unexpected end-of-input", d -> {
                    String run = run(d);
                    Path config = Path.of(run, "checkpoints", "config.json");
                    Files.writeString(config, Files.readString(config).substring(0, 40));
                    return a("train", "--resume", run);
                }),
                // --- evaluate: bad models, bad flags, mismatches ---
                c("evaluate notes as a model", 2, "expected an ONNX model", d -> a("evaluate", "--model", file(d,
                        "notes.onnx", "these are notes, not a model"), "--out", out(d))),
                c("evaluate truncated model", 2, "expected an ONNX model", d -> {
                    byte[] bytes = OnnxModels.toBytes(OnnxModels.read(Path.of(onnx(d, "m.onnx", 10))));
                    Files.write(d.resolve("m.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
                    return a("evaluate", "--model", d.resolve("m.onnx").toString(), "--out", out(d));
                }),
                c("evaluate missing model", 2, "found nothing at", d -> a("evaluate", "--model",
                        d.resolve("gone.onnx").toString(), "--out", out(d))),
                c("evaluate hostile model name", 2, "found nothing at", d -> a("evaluate", "--model",
                        d.resolve("a\nb\u001b[2J.onnx").toString(), "--out", out(d))),
                c("evaluate 20 outputs on 10 classes", 2, "the model outputs 20 classes but data digits/test has 10",
                        d -> a("evaluate", "--model", onnx(d, "wide.onnx", 20), "--out", out(d))),
                c("evaluate 5 outputs on 10 classes", 2, "labels up to 9 but the model outputs 5 classes",
                        d -> a("evaluate", "--model", onnx(d, "five.onnx", 5), "--out", out(d))),
                c("evaluate a fixed-batch model", 2, "--batch-size must be 1 for", d -> a("evaluate", "--model",
                        fixedBatch(d), "--out", out(d))),
                c("evaluate a one-class model", 2, "expected a classifier with at least 2 output classes, found a model "
                        + "with 1", d -> a("evaluate", "--model", onnx(d, "one.onnx", 1), "--out", out(d))),
                c("evaluate a run with a corrupt run.json", 2, "is not JSON: expected a smoothcal-run/2 record", d -> {
                    String run = run(d);
                    Files.writeString(Path.of(run, "run.json"), "{not json");
                    return a("evaluate", "--model", run, "--out", out(d));
                }),
                c("calibrate-split without calibrate-data", 2, "--calibrate-split names the split of --calibrate-data; "
                        + "found no --calibrate-data", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--calibrate-split", "train", "--out", out(d))),
                c("partitions without spark", 2, "--master and --partitions are for --engine spark", d -> a("evaluate",
                        "--model", onnx(d, "m.onnx", 10), "--partitions", "0", "--out", out(d))),
                c("require an interval without the bootstrap", 2, "--require 'ece.upper <= 1' needs ece.upper, which takes "
                        + "bootstrap intervals: expected --bootstrap N above 0, found --bootstrap 0", d -> a("evaluate",
                        "--model", onnx(d, "m.onnx", 10), "--require", "ece.upper<=1", "--bootstrap", "0", "--out",
                        out(d))),
                c("out below a file", 2, "expected folders above it, found the file ", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--out", Path.of(file(d, "afile", "keep me"), "sub").toString())),
                c("a flag's bad value is one line", 2, "Invalid value for option '--bins': 'NaN' is not an int (see "
                        + "'smoothcal evaluate --help')", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10), "--bins",
                        "NaN", "--out", out(d))),
                c("evaluate run with another run's model.onnx", 2, "model.onnx and run.json come from different trainings",
                        d -> {
                            String run = run(d);
                            Path onnx = Path.of(run, "model.onnx");
                            var model = OnnxModels.read(onnx).toBuilder();
                            for (int i = 0; i < model.getMetadataPropsCount(); i++) {
                                if (model.getMetadataProps(i).getKey().equals("smoothcal.model_fingerprint")) {
                                    model.setMetadataProps(i, model.getMetadataProps(i).toBuilder().setValue("f00d"));
                                }
                            }
                            OnnxModels.write(model.build(), onnx);
                            return a("evaluate", "--model", run, "--out", out(d));
                        }),
                c("evaluate a model without outputs", 2, "expected a classifier with at least one tensor output, found none", d -> {
                    Path file = Path.of(onnx(d, "m.onnx", 10));
                    var model = OnnxModels.read(file).toBuilder();
                    model.getGraphBuilder().clearOutput();
                    OnnxModels.write(model.build(), file);
                    return a("evaluate", "--model", file.toString(), "--out", out(d));
                }),
                c("evaluate a model with two inputs", 2, "expected a classifier with exactly one input, found 2", d -> {
                    Path file = Path.of(onnx(d, "m.onnx", 10));
                    var model = OnnxModels.read(file).toBuilder();
                    model.getGraphBuilder().addInput(model.getGraph().getInput(0).toBuilder().setName("extra"));
                    OnnxModels.write(model.build(), file);
                    return a("evaluate", "--model", file.toString(), "--out", out(d));
                }),
                c("evaluate a model for other images", 2, "[-1, 100]", d -> {
                    Path file = d.resolve("wrong.onnx");
                    OnnxModels.write(new OnnxGraphBuilder("wrong").input("x", Dim.BATCH, Dim.of(100))
                            .output("logits", Dim.BATCH, Dim.of(10)).initializer("w", new float[1000], 100, 10)
                            .node("MatMul", List.of("x", "w"), "logits").build(ModelMetadata.NONE), file);
                    return a("evaluate", "--model", file.toString(), "--out", out(d));
                }),
                c("external data outside the model folder", 2, "External data path escapes model directory", d -> {
                    Path file = Path.of(onnx(d, "m.onnx", 10));
                    var model = OnnxModels.read(file).toBuilder();
                    var graph = model.getGraphBuilder();
                    for (int i = 0; i < graph.getInitializerCount(); i++) {
                        if (graph.getInitializer(i).getName().equals("w")) {
                            graph.setInitializer(i, graph.getInitializer(i).toBuilder().clearFloatData()
                                    .setDataLocation(OnnxProto.TensorProto.DataLocation.EXTERNAL)
                                    .addExternalData(OnnxProto.StringStringEntryProto.newBuilder().setKey("location")
                                            .setValue("../../../../../../etc/passwd")));
                        }
                    }
                    OnnxModels.write(model.build(), file);
                    return a("evaluate", "--model", file.toString(), "--calibrate-on", "train", "--export-calibrated",
                            d.resolve("c.onnx").toString(), "--out", out(d));
                }),
                c("evaluate scale 0", 2, "--scale must be a finite non-zero number, found 0.0", d -> a("evaluate",
                        "--model", onnx(d, "m.onnx", 10), "--scale", "0", "--out", out(d))),
                c("evaluate std 0", 2, "--std values must be finite and positive", d -> a("evaluate", "--model",
                        onnx(d, "m.onnx", 10), "--std", "0", "--out", out(d))),
                c("evaluate unknown layout", 2, "--layout", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--layout", "hwcn", "--out", out(d))),
                c("evaluate unknown output kind", 2, "--outputs", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--outputs", "scores", "--out", out(d))),
                c("evaluate unknown provider", 2, "--provider", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--provider", "tpu", "--out", out(d))),
                c("evaluate baseline missing", 2, "--baseline must be a readable report.json, found nothing at", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--require", "ece<=baseline.ece", "--baseline", d.resolve("gone.json").toString(), "--out",
                        out(d))),
                c("evaluate baseline not JSON", 2, "found invalid JSON in", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--require", "ece<=baseline.ece", "--baseline", file(d, "base.json", "{\"ece\": "), "--out",
                        out(d))),
                c("evaluate mean with two values on one channel", 2,
                        "--mean: expected 1 value (the images have one channel), found 2", d -> a("evaluate", "--model",
                                onnx(d, "m.onnx", 10), "--mean", "1,2", "--out", out(d))),
                c("evaluate bins 0", 2, "--bins", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10), "--bins", "0",
                        "--out", out(d))),
                c("evaluate bootstrap negative", 2, "--bootstrap", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--bootstrap", "-1", "--out", out(d))),
                c("evaluate unknown split", 2, "--split", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--split", "val", "--out", out(d))),
                c("evaluate unknown output name", 2, "--output-name must be one of [logits]", d -> a("evaluate",
                        "--model", onnx(d, "m.onnx", 10), "--output-name", "scores", "--out", out(d))),
                c("export without calibration", 2, "expected --calibrate-on SPLIT", d -> a("evaluate", "--model",
                        onnx(d, "m.onnx", 10), "--export-calibrated", d.resolve("c.onnx").toString(), "--out", out(d))),
                c("export over an existing file", 2, "already exists; expected a new file (pass --overwrite",
                        d -> a("evaluate", "--model", onnx(d, "m.onnx", 10), "--calibrate-on", "train",
                                "--export-calibrated", file(d, "c.onnx", "keep me"), "--out", out(d))),
                c("export into a folder", 2, "is a folder; expected a file", d -> a("evaluate", "--model",
                        onnx(d, "m.onnx", 10), "--calibrate-on", "train", "--export-calibrated",
                        Files.createDirectories(d.resolve("dir.onnx")).toString(), "--out", out(d))),
                c("evaluate over earlier reports", 2, "already holds report.json", d -> {
                    Files.createDirectories(d.resolve("out"));
                    file(d, "out/report.json", "{}");
                    return a("evaluate", "--model", onnx(d, "m.onnx", 10), "--out", out(d));
                }),
                c("evaluate out is a file", 2, "--out must be a folder", d -> a("evaluate", "--model",
                        onnx(d, "m.onnx", 10), "--out", file(d, "out", "x"))),
                c("malformed rule", 2, "--require", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10), "--require",
                        "accuracy>>0.9", "--out", out(d))),
                c("rule on an unknown metric", 2, "--require", d -> a("evaluate", "--model", onnx(d, "m.onnx", 10),
                        "--require", "speed>=1", "--out", out(d))),
                // --- compare ---
                c("compare one model", 2, "at least two --model, found 1", d -> a("compare", "--model",
                        onnx(d, "m.onnx", 10), "--out", out(d))),
                c("compare duplicate labels", 2, "must be distinct, found 'a' twice", d -> a("compare", "--model",
                        onnx(d, "m.onnx", 10), "--model", onnx(d, "n.onnx", 10), "--label", "a", "--label", "a",
                        "--out", out(d))),
                c("compare label count", 2, "one --label per --model (2), found 1", d -> a("compare", "--model",
                        onnx(d, "m.onnx", 10), "--model", onnx(d, "n.onnx", 10), "--label", "a", "--out", out(d))),
                // --- bench: the --overwrite rule and its file checked first ---
                c("bench alpha checked before the GEMM", 2, "--mixup", d -> a("bench", "--mixup", "-1", "--out",
                        d.resolve("b.json").toString())),
                c("bench gemm size named by its flag", 2, "--gemm-size must be in [64, 16384], found 10", d -> a("bench",
                        "--gemm-size", "10", "--out", d.resolve("b.json").toString())),
                c("bench over an existing file", 2, "already exists; expected a new file (pass --overwrite", d -> a(
                        "bench", "--out", file(d, "bench.json", "keep me"))),
                c("bench out is a folder", 2, "is a folder; expected a file", d -> a("bench", "--out",
                        Files.createDirectories(d.resolve("b.json")).toString())),
                c("bench into a file's folder", 2, "cannot be written", d -> a("bench", "--out",
                        Path.of(file(d, "plain", "x"), "b.json").toString())),
                c("bench unknown model with out in new folders", 2, "--models", d -> a("bench", "--models", "resnet",
                        "--out", d.resolve("new/deeper/b.json").toString())),
                c("bench second model bad", 2, "--models must be one of", d -> a("bench", "--models", "mlp,resnet",
                        "--out", d.resolve("b.json").toString())),
                c("bench unknown model", 2, "--models", d -> a("bench", "--models", "resnet", "--steps", "1",
                        "--rounds", "1", "--warmup", "1")),
                // --- interop ---
                c("interop missing run", 2, "expected a run directory (a folder written by 'smoothcal train'), found nothing",
                        d -> a("interop", "--run", d.resolve("gone").toString(), "--out",
                        out(d))),
                c("interop batch size 0", 2, "--batch-sizes", d -> a("interop", "--run", run(d), "--batch-sizes", "0",
                        "--out", out(d))),
                c("interop batch sizes not numbers", 2, "--batch-sizes", d -> a("interop", "--run", run(d),
                        "--batch-sizes", "1,x", "--out", out(d))),
                c("interop negative tolerance", 2, "--logit-atol", d -> a("interop", "--run", run(d), "--logit-atol",
                        "-1", "--out", out(d))),
                c("demo out is a file", 2, "--out must be a folder", d -> a("demo", "--out", file(d, "demo", "x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isOneLineWithItsExitCodeAndLeavesNothing(Case c) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("case-" + c.name().replaceAll("[^A-Za-z0-9]+", "-")));
        String[] args = c.setup().args(dir);
        List<String> before = listing(dir);
        int[] code = new int[1];
        String err = EndToEndTest.captureErr(() -> code[0] = Main.execute(args));
        List<String> errors = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
        assertEquals(1, errors.size(), "exactly one error line: " + err);
        if (System.getenv("HOSTILE_DUMP") != null) {
            Files.writeString(Path.of(System.getenv("HOSTILE_DUMP")), c.name() + " | " + code[0] + " | " + errors.get(0)
                    + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        assertTrue(errors.get(0).contains(c.message()), "expected '" + c.message() + "' in: " + errors.get(0));
        assertFalse(err.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), "no trace: " + err);
        assertEquals(c.exit(), code[0], err);
        assertEquals(before, listing(dir), "no output, staging folder or temporary file left");
    }

    /** A failed {@code --overwrite} leaves the earlier run intact (the listing check) and resumable. */
    @org.junit.jupiter.api.Test
    void aFailedOverwriteLeavesTheEarlierRunResumable() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("overwrite-then-resume"));
        String run = run(dir);
        String err = EndToEndTest.captureErr(() -> assertEquals(2, Main.execute("train", "--overwrite", "--data",
                uncheckedTwoImages(dir), "--out", run)));
        assertTrue(err.contains("leaves an empty part"), err);
        assertEquals(0, Main.execute("train", "--resume", run, "--epochs", "2"));
        assertEquals(3, Files.readAllLines(Path.of(run, "history.csv")).size(), "header + the old epoch + one more");
    }

    // --- what the setups write ---

    private static String uncheckedTwoImages(Path dir) {
        try {
            return twoImages(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A digits CSV of two images (classes 0 and 1): too few to hold out a validation part. */
    static String twoImages(Path dir) throws IOException {
        String zeros = String.join(",", java.util.Collections.nCopies(64, "0"));
        String ones = String.join(",", java.util.Collections.nCopies(64, "16"));
        return file(dir, "two.csv", zeros + ",0\n" + ones + ",1\n");
    }


    static String out(Path dir) {
        return dir.resolve("out").toString();
    }

    static String file(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toString();
    }

    static String model(String layers) {
        return "{\"name\": \"m\", \"layers\": [" + layers + "]}";
    }

    /** A copy of the fixture run in {@code dir}. */
    static String run(Path dir) throws IOException {
        Path copy = dir.resolve("run");
        try (Stream<Path> paths = Files.walk(fixtureRun)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path dest = copy.resolve(fixtureRun.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return copy.toString();
    }

    /** A linear classifier of 8x8x1 images with {@code classes} logits (all weights zero). */
    static String onnx(Path dir, String name, int classes) {
        Path file = dir.resolve(name);
        OnnxModels.write(new OnnxGraphBuilder("zero")
                .input("images", Dim.BATCH, Dim.of(8), Dim.of(8), Dim.of(1))
                .output("logits", Dim.BATCH, Dim.of(classes))
                .initializer("shape", new long[] {-1, 64}, 2)
                .initializer("w", new float[64 * classes], 64, classes)
                .initializer("b", new float[classes], classes)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.NONE), file);
        return file.toString();
    }

    /** The same classifier exported with a fixed batch of 1, as some exporters do. */
    static String fixedBatch(Path dir) {
        Path file = dir.resolve("fixed.onnx");
        OnnxModels.write(new OnnxGraphBuilder("fixed")
                .input("images", Dim.of(1), Dim.of(8), Dim.of(8), Dim.of(1))
                .output("logits", Dim.of(1), Dim.of(10))
                .initializer("shape", new long[] {1, 64}, 2)
                .initializer("w", new float[640], 64, 10)
                .initializer("b", new float[10], 10)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.NONE), file);
        return file.toString();
    }

    /** Every path under {@code dir}, hidden ones included, with each file's size. */
    static List<String> listing(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                all.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + Files.size(p) : "/"));
            }
        }
        all.sort(null);
        return all;
    }
}
