package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.ReliabilityBin;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes an {@link EvaluationReport} into a folder: {@code report.json}, {@code bins.csv}, the reliability
 * diagram and confidence histogram as PNG and SVG (one drawing each, SVG with real text), with
 * temperature scaling the reliability diagram of the tempered model too, and the self-contained
 * {@code report.html}. Each file is written atomically.
 */
public final class ReportFiles {
    /** The report as JSON ({@link EvaluationReport}). */
    public static final String REPORT_JSON = "report.json";
    /** The equal-width reliability bins as CSV. */
    public static final String BINS_CSV = "bins.csv";
    /** Base name of the reliability diagram ({@code .png} and {@code .svg}). */
    public static final String RELIABILITY = "reliability";
    /** Base name of the confidence histogram ({@code .png} and {@code .svg}). */
    public static final String CONFIDENCE = "confidence";
    /** The reliability diagram with the fitted temperature applied; written only with temperature scaling. */
    public static final String RELIABILITY_CALIBRATED = "reliability-calibrated";
    /** The report and its charts as one HTML page. */
    public static final String REPORT_HTML = "report.html";
    /** Every file {@link #write} may create, for clash checks before work starts. */
    public static final List<String> ALL = List.of(REPORT_JSON, BINS_CSV, RELIABILITY + ".png", RELIABILITY + ".svg",
            CONFIDENCE + ".png", CONFIDENCE + ".svg", RELIABILITY_CALIBRATED + ".png", RELIABILITY_CALIBRATED + ".svg",
            REPORT_HTML);

    private ReportFiles() {
    }

    /**
     * Writes the report's files (see {@link #ALL}) into {@code dir}, each atomically; the calibrated
     * reliability diagram only when the report has a temperature section.
     *
     * @param report what to write
     * @param dir the output folder; created when missing
     */
    public static void write(EvaluationReport report, Path dir) {
        Json.write(dir.resolve(REPORT_JSON), report);
        AtomicFiles.writeString(dir.resolve(BINS_CSV), binsCsv(report.bins()));
        Drawing reliability = Diagrams.reliability(report.bins(), String.format(Locale.ROOT,
                "Reliability (ECE %.4f, %d bins)", report.ece(), report.numBins()));
        Drawing confidence = Diagrams.confidenceHistogram(report.bins(), report.accuracy(), "Confidence histogram");
        Diagrams.write(reliability, dir, RELIABILITY);
        Diagrams.write(confidence, dir, CONFIDENCE);
        String calibratedSvg = null;
        EvaluationReport.Temperature t = report.temperature();
        if (t != null) {
            Drawing calibrated = Diagrams.reliability(t.binsAfter(), String.format(Locale.ROOT,
                    "Reliability with T = %.4f (ECE %.4f, %d bins)", t.t(), t.eceAfter(), report.numBins()));
            Diagrams.write(calibrated, dir, RELIABILITY_CALIBRATED);
            calibratedSvg = calibrated.svg();
        }
        AtomicFiles.writeString(dir.resolve(REPORT_HTML),
                HtmlReport.render(report, reliability.svg(), confidence.svg(), calibratedSvg));
    }

    static String binsCsv(List<ReliabilityBin> bins) {
        StringBuilder csv = new StringBuilder("lower,upper,count,mean_confidence,accuracy,gap\n");
        for (ReliabilityBin b : bins) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%d,%s,%s,%s%n", b.lower(), b.upper(), b.count(),
                    cell(b.meanConfidence()), cell(b.accuracy()), cell(b.gap())));
        }
        return csv.toString();
    }

    private static String cell(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.8f", v);
    }
}
