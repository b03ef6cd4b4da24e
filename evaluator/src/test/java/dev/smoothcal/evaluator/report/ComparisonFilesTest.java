package dev.smoothcal.evaluator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.BootstrapReplicates;
import dev.smoothcal.core.metrics.BootstrapReplicates.Metric;
import dev.smoothcal.core.metrics.ConfidenceInterval;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationListener;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare's files from real ONNX Runtime evaluations of three synthetic models on one data set: "logits"
 * and "probabilities" are the same linear model written two ways (same arg-max everywhere, probabilities
 * equal to float rounding), "other" another model. References: the per-model accuracy and ECE intervals
 * are those {@link dev.smoothcal.core.metrics.MetricsAccumulator}'s own bootstrap put into report.json (a
 * separate implementation); a pair of models that agree on every image has a zero-width accuracy
 * difference, which only a paired bootstrap gives; percentiles are recomputed here (numpy's rule).
 */
class ComparisonFilesTest {
    private static final int N = 600;
    private static final int REPLICATES = 100;
    private static final double TOLERANCE = 1e-12;
    private static final List<String> LABELS = List.of("logits", "probabilities", "<other & more>");

    @TempDir
    Path tmp;

    private final List<EvaluationReport> reports = new ArrayList<>();
    private final List<BootstrapReplicates> replicates = new ArrayList<>();

    @BeforeEach
    void evaluate() {
        LinearClassifier linear = new LinearClassifier(6, 4, 9, 0.8);
        LinearClassifier other = new LinearClassifier(6, 4, 31, 0.8);
        Dataset data = linear.sample("synthetic/test", N, 1.5, 3, List.of("a", "b", "c", "d"));
        List<Path> models = List.of(linear.writeLogitsModel(tmp.resolve("l.onnx"), Map.of()),
                linear.writeProbabilitiesModel(tmp.resolve("p.onnx")),
                other.writeLogitsModel(tmp.resolve("o.onnx"), Map.of()));
        for (Path model : models) {
            EvaluationRequest request = EvaluationRequest.of(model, data).withProvider(ExecutionProvider.CPU)
                    .withBins(10).withBootstrapReplicates(REPLICATES).withSeed(5);
            BootstrapRecorder recorder = new BootstrapRecorder(request);
            reports.add(Evaluation.run(request, new EvaluationListener() {
                @Override
                public void predictions(int from, int count, float[] probabilities, int numClasses) {
                    recorder.accept(from, count, probabilities, numClasses);
                }
            }));
            replicates.add(recorder.replicates().orElseThrow());
        }
    }

    @Test
    void intervalsArePerModelAndPaired() {
        Comparison c = Comparison.of(LABELS, reports, replicates);
        assertEquals(Comparison.FORMAT, c.format());
        assertEquals(REPLICATES, c.bootstrap().replicates());
        assertEquals("logits", c.bootstrap().baseline());
        for (int i = 0; i < 3; i++) {
            Comparison.Entry e = c.models().get(i);
            EvaluationReport r = reports.get(i);
            assertEquals(r.bootstrap().accuracy().lower(), e.intervals().accuracy().lower(), TOLERANCE);
            assertEquals(r.bootstrap().accuracy().upper(), e.intervals().accuracy().upper(), TOLERANCE);
            assertEquals(r.bootstrap().expectedCalibrationError().lower(), e.intervals().ece().lower(), TOLERANCE);
            assertEquals(r.bootstrap().expectedCalibrationError().upper(), e.intervals().ece().upper(), TOLERANCE);
            for (Metric m : Metric.values()) {
                ConfidenceInterval ci = e.intervals().of(m);
                assertEquals(e.value(m), ci.estimate(), m.name());
                double[] v = replicates.get(i).values(m);
                assertEquals(percentile(v, 2.5), ci.lower(), TOLERANCE, m.name());
                assertEquals(percentile(v, 97.5), ci.upper(), TOLERANCE, m.name());
                assertTrue(ci.upper() - ci.lower() > 1e-3, m + " of " + e.label() + " has width on 600 images: " + ci);
            }
        }
        assertEquals(2, c.differences().size());
        Comparison.Difference same = c.differences().get(0);
        assertEquals("probabilities", same.label());
        ConfidenceInterval accuracy = same.difference().accuracy();
        assertEquals(new ConfidenceInterval(0, 0, 0), accuracy, "the same arg-max on every image, in every replicate");
        ConfidenceInterval nll = same.difference().nll();
        assertTrue(nll.upper() - nll.lower() < 1e-5, "float rounding only: " + nll);

        Comparison.Difference d = c.differences().get(1);
        for (Metric m : Metric.values()) {
            double[] base = replicates.get(0).values(m);
            double[] v = replicates.get(2).values(m);
            double[] diff = new double[v.length];
            for (int r = 0; r < v.length; r++) {
                diff[r] = v[r] - base[r];
            }
            ConfidenceInterval ci = d.difference().of(m);
            assertEquals(c.models().get(2).value(m) - c.models().get(0).value(m), ci.estimate(), TOLERANCE);
            assertEquals(percentile(diff, 2.5), ci.lower(), TOLERANCE, m.name());
            assertEquals(percentile(diff, 97.5), ci.upper(), TOLERANCE, m.name());
        }
        // paired is narrower than the two models' own intervals side by side
        double pairedWidth = d.difference().accuracy().upper() - d.difference().accuracy().lower();
        double unpairedWidth = Math.hypot(width(c.models().get(0).intervals().accuracy()),
                width(c.models().get(2).intervals().accuracy()));
        assertTrue(pairedWidth < unpairedWidth, pairedWidth + " vs " + unpairedWidth);
    }

    @Test
    void filesHoldTheIntervalsAndThePageIsSelfContained() throws Exception {
        Comparison c = Comparison.of(LABELS, reports, replicates);
        Path out = Files.createDirectories(tmp.resolve("out"));
        ComparisonFiles.write(c, out);
        Set<String> files = new HashSet<>();
        try (var list = Files.list(out)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertEquals(new HashSet<>(ComparisonFiles.ALL), files, "exactly the documented files, no temporary left");

        JsonNode json = Json.MAPPER.readTree(out.resolve(ComparisonFiles.COMPARE_JSON).toFile());
        assertEquals("smoothcal-compare/2", json.get("format").asText());
        assertEquals(c.models().get(2).intervals().nll().lower(), json.at("/models/2/intervals/nll/lower").asDouble());
        assertEquals(c.differences().get(1).difference().ece().upper(),
                json.at("/differences/1/difference/ece/upper").asDouble());
        assertEquals("logits", json.at("/bootstrap/baseline").asText());

        List<String> csv = Files.readAllLines(out.resolve(ComparisonFiles.COMPARE_CSV));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        assertEquals(10 + 6 * 2 + 6 * 3, header.size(), header.toString());
        assertEquals(List.of("label", "model", "output_kind", "accuracy", "nll", "brier", "ece", "mce",
                "ece_equal_mass", "classwise_ece"), header.subList(0, 10), "the old columns keep their places");
        assertEquals(4, csv.size());
        String[] baselineRow = csv.get(1).split(",", -1);
        String[] otherRow = csv.get(3).split(",", -1);
        assertEquals("", baselineRow[header.indexOf("nll_diff")], "no difference on the baseline's row");
        assertEquals(c.models().get(0).intervals().brier().upper(),
                Double.parseDouble(baselineRow[header.indexOf("brier_upper")]), 1e-8);
        // the label "<other & more>" has no comma, so it is not quoted and the columns line up
        assertEquals(c.differences().get(1).difference().classwiseEce().lower(),
                Double.parseDouble(otherRow[header.indexOf("classwise_ece_diff_lower")]), 1e-8);

        String html = Files.readString(out.resolve(ComparisonFiles.COMPARE_HTML));
        assertFalse(html.contains("<other"), "a label must not become markup");
        assertTrue(html.contains("&lt;other &amp; more&gt;"));
        for (String external : new String[] {"src=", "href=", "<link", "@import", "<script"}) {
            assertFalse(html.contains(external), "self-contained, found " + external);
        }
        ConfidenceInterval nll = c.models().get(1).intervals().nll();
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "[%.4f, %.4f]", nll.lower(), nll.upper())));
        List<String> svgs = new ArrayList<>();
        for (int at = html.indexOf("<svg"); at >= 0; at = html.indexOf("<svg", at + 1)) {
            svgs.add(html.substring(at, html.indexOf("</svg>", at) + "</svg>".length()));
        }
        assertEquals(3, svgs.size(), "one reliability diagram per model, side by side");
        for (String svg : svgs) {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertTrue(doc.getElementsByTagName("text").getLength() > 10, "real text");
        }
    }

    @Test
    void withoutTheBootstrapThereAreNoIntervals() throws Exception {
        Comparison c = Comparison.of(LABELS, reports);
        assertNull(c.bootstrap());
        assertTrue(c.differences().isEmpty());
        assertNull(c.models().get(0).intervals());
        Path out = Files.createDirectories(tmp.resolve("plain"));
        ComparisonFiles.write(c, out);
        String[] row = Files.readAllLines(out.resolve(ComparisonFiles.COMPARE_CSV)).get(1).split(",", -1);
        assertEquals(40, row.length);
        assertEquals("", row[10]);
        assertTrue(Files.readString(out.resolve(ComparisonFiles.COMPARE_HTML)).contains("bootstrap off"));
    }

    private static double width(ConfidenceInterval i) {
        return i.upper() - i.lower();
    }

    /** numpy's default percentile: linear interpolation between order statistics. */
    private static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double h = (s.length - 1) * q / 100;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }
}
