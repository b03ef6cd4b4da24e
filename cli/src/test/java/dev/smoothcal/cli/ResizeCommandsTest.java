package dev.smoothcal.cli;

import static dev.smoothcal.cli.EndToEndTest.captureErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.Resize;
import dev.smoothcal.core.data.ResizeRule;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --image-size/--resize} on an image folder of mixed sizes: the rule is written into run.json,
 * {@code evaluate} applies it by itself, and the images it evaluates are exactly the library's resize of the
 * folder (same data fingerprint). Bad combinations exit 2 with one line.
 */
class ResizeCommandsTest {
    @TempDir
    static Path tmp;
    static Path folder;
    static Path run;

    @BeforeAll
    static void trainOnMixedSizes() throws IOException {
        folder = tmp.resolve("mixed");
        int[][] sizes = {{6, 7}, {9, 9}, {12, 10}};
        for (String split : new String[] {"train", "test"}) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 20; i++) {
                    int[] s = sizes[i % sizes.length];
                    writeGrey(folder.resolve(split + "/" + (c == 0 ? "dark" : "bright") + "/" + i + ".png"), s[1], s[0],
                            c == 0 ? 10 + i : 180 + i);
                }
            }
        }
        run = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--data", folder.toString(), "--image-size", "8x8", "--resize",
                "center-crop", "--model", "mlp", "--epochs", "2", "--out", run.toString()));
    }

    @Test
    void runJsonRecordsTheSizeAndRule() throws IOException {
        JsonNode resize = Json.MAPPER.readTree(run.resolve("run.json").toFile()).path("data_source").path("resize");
        assertEquals(8, resize.path("height").asInt(), resize.toString());
        assertEquals(8, resize.path("width").asInt(), resize.toString());
        assertEquals("center-crop", resize.path("rule").asText(), resize.toString());
    }

    @Test
    void evaluateAppliesTheRunsRuleAndEvaluatesTheLibrarysResize() throws IOException {
        Path byRun = tmp.resolve("eval-by-run");
        assertEquals(0, Main.execute("evaluate", "--model", run.toString(), "--data", folder.toString(), "--out",
                byRun.toString()));
        Path stretched = tmp.resolve("eval-stretch");
        assertEquals(0, Main.execute("evaluate", "--model", run.toString(), "--data", folder.toString(), "--resize",
                "stretch", "--out", stretched.toString()));
        String expected = DatasetSource.load(folder.toString(), DatasetSplit.TEST,
                LoadOptions.defaults().withResize(new Resize(8, 8, ResizeRule.CENTER_CROP))).fingerprint();
        JsonNode report = Json.MAPPER.readTree(byRun.resolve("report.json").toFile());
        assertEquals(expected, report.path("data").path("fingerprint").asText());
        assertEquals(40, report.path("data").path("size").asInt());
        JsonNode other = Json.MAPPER.readTree(stretched.resolve("report.json").toFile());
        assertNotEquals(expected, other.path("data").path("fingerprint").asText(), "--resize overrides the run's rule");
    }

    @Test
    void theRunsValidationSplitIsReproducedResized() {
        Path out = tmp.resolve("eval-held-out");
        assertEquals(0, Main.execute("evaluate", "--model", run.toString(), "--data", folder.toString(),
                "--calibrate-on", "validation", "--bootstrap", "0", "--out", out.toString()));
    }

    @Test
    void aForeignModelTakesMixedSizesOnlyWithARule() {
        // a model smoothcal did not train: no run record, so no rule unless --resize gives one
        Path onnx = tmp.resolve("foreign.onnx");
        OnnxModels.write(new OnnxGraphBuilder("foreign")
                .input("images", Dim.BATCH, Dim.of(8), Dim.of(8), Dim.of(1))
                .output("logits", Dim.BATCH, Dim.of(2))
                .initializer("shape", new long[] {-1, 64}, 2)
                .initializer("w", new float[128], 64, 2)
                .initializer("b", new float[] {0, 0}, 2)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.of(Map.of())), onnx);
        String err = captureErr(() -> assertEquals(2, Main.execute("evaluate", "--model", onnx.toString(), "--data",
                folder.toString(), "--out", tmp.resolve("refused").toString())));
        var lines = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).contains("give a resize rule"), err);
        Path letterboxed = tmp.resolve("eval-letterbox");
        assertEquals(0, Main.execute("evaluate", "--model", onnx.toString(), "--data", folder.toString(), "--resize",
                "letterbox", "--out", letterboxed.toString()));
    }

    @Test
    void badResizeFlagsExitTwoWithOneLine() {
        assertOneError(new String[] {"train", "--data", folder.toString(), "--resize", "stretch", "--out",
            tmp.resolve("a").toString()}, "--resize needs --image-size HxW");
        assertOneError(new String[] {"train", "--data", folder.toString(), "--image-size", "0x8", "--out",
            tmp.resolve("b").toString()}, "--image-size must be HxW");
        assertOneError(new String[] {"train", "--data", folder.toString(), "--image-size", "8x8", "--resize", "zoom",
            "--out", tmp.resolve("c").toString()}, "--resize must be one of [stretch, center-crop, letterbox]");
        assertOneError(new String[] {"train", "--data", "digits", "--image-size", "16x16", "--out",
            tmp.resolve("d").toString()}, "--image-size applies to image folders and archives");
        assertOneError(new String[] {"train", "--resume", run.toString(), "--image-size", "9x9"},
                "--resume: the run was trained with --image-size/--resize 8x8 center-crop, found");
        assertOneError(new String[] {"evaluate", "--model", run.toString(), "--data", folder.toString(), "--resize",
            "zoom", "--out", tmp.resolve("e").toString()}, "--resize must be one of");
    }

    private static void assertOneError(String[] args, String fragment) {
        String err = captureErr(() -> assertEquals(2, Main.execute(args), String.join(" ", args)));
        var lines = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).contains(fragment), err);
    }

    private static void writeGrey(Path file, int width, int height, int base) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, Math.min(255, base + 3 * y + x));
            }
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
    }
}
