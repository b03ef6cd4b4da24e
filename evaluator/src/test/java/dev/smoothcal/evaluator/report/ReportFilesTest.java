package dev.smoothcal.evaluator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationListener;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of a report written from a real ONNX Runtime evaluation of a synthetic linear model whose
 * class names are hostile HTML; predictions.csv is checked row by row against a double-precision forward
 * pass of the same weights.
 */
class ReportFilesTest {
    private static final List<String> HOSTILE = List.of("<script>alert(1)</script>", "a&b", "\"quoted\"", "plain");
    private static final int N = 700;

    @TempDir
    Path tmp;

    @Test
    void reportFilesAreCompleteEscapedAndReadable() throws Exception {
        LinearClassifier linear = new LinearClassifier(6, 4, 9, 0.8);
        Path model = linear.writeLogitsModel(tmp.resolve("m.onnx"), Map.of());
        Dataset data = linear.sample("synthetic/test", N, 1.0, 3, HOSTILE);
        Dataset fit = linear.sample("synthetic/fit", 500, 1.0, 4, HOSTILE);
        Path out = Files.createDirectories(tmp.resolve("out"));
        EvaluationReport report;
        try (PredictionsCsv predictions = PredictionsCsv.open(out, data.labels())) {
            report = Evaluation.run(EvaluationRequest.of(model, data).withInference(InferenceOptions.DEFAULTS
                    .withBatchSize(100)).withProvider(ExecutionProvider.CPU).withBins(10).withBootstrapReplicates(0)
                    .withCalibration(fit), new EvaluationListener() {
                @Override
                public void predictions(int from, int count, float[] probabilities, int numClasses) {
                    predictions.accept(from, count, probabilities, numClasses);
                }
            });
            predictions.finish();
        }
        ReportFiles.write(report, out);

        Set<String> files = new HashSet<>();
        try (var list = Files.list(out)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        Set<String> expected = new HashSet<>(ReportFiles.ALL);
        expected.add(PredictionsCsv.FILE_NAME);
        assertEquals(expected, files, "exactly the documented files, no temporary left over");

        String html = Files.readString(out.resolve(ReportFiles.REPORT_HTML));
        assertFalse(html.contains("<script"), "a class name must not become markup");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("a&amp;b") && html.contains("&quot;quoted&quot;"));
        for (String external : new String[] {"src=", "href=", "<link", "@import"}) {
            assertFalse(html.contains(external), "self-contained: no " + external);
        }
        // The inline SVGs clip with url(#id): references inside the page only.
        assertFalse(java.util.regex.Pattern.compile("url\\((?!#)").matcher(html).find(), "only url(#...) references");
        assertEquals(3, html.split("<svg", -1).length - 1,
                "reliability diagram with T, reliability diagram and histogram of the model as it is, inline");
        assertTrue(html.contains("Temperature scaling"));
        assertTrue(html.indexOf("Reliability with T = ") < html.indexOf("Reliability of the model as it is"),
                "the tempered diagram stands in the temperature section");
        // The confusion matrix in the page: its diagonal cells sum to accuracy * N.
        long diagonal = 0;
        for (String cell : html.split("<td class=\"d\">")) {
            if (Character.isDigit(cell.charAt(0))) {
                diagonal += Long.parseLong(cell.substring(0, cell.indexOf('<')));
            }
        }
        assertEquals(Math.round(report.accuracy() * N), diagonal);

        for (String chart : new String[] {ReportFiles.RELIABILITY, ReportFiles.CONFIDENCE,
                ReportFiles.RELIABILITY_CALIBRATED}) {
            BufferedImage png = ImageIO.read(out.resolve(chart + ".png").toFile());
            assertNotNull(png, chart + ".png decodes");
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve(chart + ".svg").toFile());
            assertEquals("svg", doc.getDocumentElement().getNodeName());
            // the PNG is the SVG's drawing at 2 pixels per unit
            assertEquals(2 * Integer.parseInt(doc.getDocumentElement().getAttribute("width")), png.getWidth());
            assertEquals(2 * Integer.parseInt(doc.getDocumentElement().getAttribute("height")), png.getHeight());
            assertTrue(distinctColours(png) > 8, chart + ".png has content");
            assertTrue(doc.getElementsByTagName("text").getLength() > 12, chart + ".svg has real text");
            assertEquals(0, doc.getElementsByTagName("path").getLength(), chart + ".svg draws no glyph outlines");
            assertTrue(Files.size(out.resolve(chart + ".svg")) < 30_000, chart + ".svg is a few kB");
        }
        // reliability.svg: one bar per non-empty bin of report.json, as high as its accuracy (260-unit plot, top
        // at y = 34), in bin order; the bar's tooltip names its bin
        var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(out.resolve(ReportFiles.RELIABILITY + ".svg").toFile());
        List<org.w3c.dom.Element> bars = new java.util.ArrayList<>();
        var rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++) {
            var r = (org.w3c.dom.Element) rects.item(i);
            if (r.getElementsByTagName("title").getLength() == 1) {
                bars.add(r);
            }
        }
        List<dev.smoothcal.core.metrics.ReliabilityBin> filled = report.bins().stream().filter(b -> b.count() > 0)
                .toList();
        assertEquals(filled.size(), bars.size());
        for (int i = 0; i < bars.size(); i++) {
            var b = filled.get(i);
            assertEquals(b.accuracy() * 260, Double.parseDouble(bars.get(i).getAttribute("height")), 0.1);
            assertEquals(34 + (1 - b.accuracy()) * 260, Double.parseDouble(bars.get(i).getAttribute("y")), 0.06);
            assertTrue(bars.get(i).getTextContent().contains(b.count() + " images"), bars.get(i).getTextContent());
        }

        JsonNode json = Json.MAPPER.readTree(out.resolve(ReportFiles.REPORT_JSON).toFile());
        JsonNode t = json.get("temperature");
        assertEquals(report.temperature().t(), t.get("t").asDouble(), 0.0);
        assertEquals("synthetic/fit", t.get("fitted_on").asText());
        for (String key : new String[] {"nll_before", "nll_after", "ece_before", "ece_after"}) {
            assertTrue(t.get(key).isNumber(), key);
        }
        assertEquals(10, t.get("bins_after").size());

        List<String> rows = Files.readAllLines(out.resolve(PredictionsCsv.FILE_NAME));
        assertEquals("index,label,predicted,confidence,p_0,p_1,p_2,p_3", rows.get(0));
        assertEquals(N + 1, rows.size());
        for (int i = 0; i < N; i++) {
            String[] c = rows.get(i + 1).split(",");
            double[] p = LinearClassifier.softmax(linear.logits(data.images(), i), 1.0);
            int best = 0;
            for (int k = 1; k < 4; k++) {
                best = p[k] > p[best] ? k : best;
            }
            assertEquals(i, Integer.parseInt(c[0]));
            assertEquals(data.labels()[i], Integer.parseInt(c[1]));
            assertEquals(best, Integer.parseInt(c[2]), "row " + i);
            assertEquals(p[best], Double.parseDouble(c[3]), 1e-6);
            for (int k = 0; k < 4; k++) {
                // float32 inference vs double reference.
                assertEquals(p[k], Double.parseDouble(c[4 + k]), 1e-6, "row " + i + ", p_" + k);
            }
        }
    }

    @Test
    void withoutCalibrationTheTemperatureIsNull() throws IOException {
        LinearClassifier linear = new LinearClassifier(6, 4, 9, 0.8);
        Path model = linear.writeLogitsModel(tmp.resolve("m.onnx"), Map.of());
        Dataset data = linear.sample("synthetic/test", 200, 1.0, 3, HOSTILE);
        EvaluationReport report = Evaluation.run(EvaluationRequest.of(model, data).withProvider(ExecutionProvider.CPU)
                .withBootstrapReplicates(0));
        Path out = Files.createDirectories(tmp.resolve("plain"));
        ReportFiles.write(report, out);
        JsonNode json = Json.MAPPER.readTree(out.resolve(ReportFiles.REPORT_JSON).toFile());
        assertTrue(json.has("temperature") && json.get("temperature").isNull());
        String html = Files.readString(out.resolve(ReportFiles.REPORT_HTML));
        assertFalse(html.contains("Temperature scaling"));
        assertEquals(2, html.split("<svg", -1).length - 1, "reliability diagram and histogram inline");
        assertFalse(Files.exists(out.resolve(ReportFiles.RELIABILITY_CALIBRATED + ".png")), "no T, no tempered diagram");
        // bins.csv counts: every image in exactly one bin.
        long total = Files.readAllLines(out.resolve(ReportFiles.BINS_CSV)).stream().skip(1)
                .mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertEquals(200, total);
    }

    @Test
    void anUnfinishedPredictionsFileLeavesNothing() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("aborted"));
        try (PredictionsCsv predictions = PredictionsCsv.open(out, new int[] {0, 1})) {
            predictions.accept(0, 2, new float[] {0.25f, 0.75f, 0.5f, 0.5f}, 2);
        }
        try (var list = Files.list(out)) {
            assertEquals(0, list.count(), "closed without finish: no file, no temporary");
        }
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
