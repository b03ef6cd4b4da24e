package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.ReliabilityBin;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.knowm.xchart.XYChart;

/**
 * Writes an {@link EvaluationReport} into a folder: {@code report.json}, {@code bins.csv}, the reliability
 * diagram and confidence histogram as PNG and SVG, with temperature scaling the reliability diagram of
 * the tempered model too, and the self-contained {@code report.html}. Each file is written atomically.
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
        // The confidence histogram is drawn on a second thread while this one writes the JSON, the CSV and
        // the reliability diagram(s): drawing (above all the SVG's text outlines) is most of the time here.
        CompletableFuture<String> confidenceSvg = CompletableFuture.supplyAsync(() -> Charts.writePngAndSvg(
                Charts.confidenceHistogram(report.bins(), report.accuracy(), "Confidence histogram"), dir, CONFIDENCE),
                ReportFiles::startDaemon);
        Json.write(dir.resolve(REPORT_JSON), report);
        AtomicFiles.writeString(dir.resolve(BINS_CSV), binsCsv(report.bins()));
        XYChart reliability = Charts.reliability(report.bins(), String.format(Locale.ROOT,
                "Reliability diagram (ECE %.4f, %d bins)", report.ece(), report.numBins()));
        String reliabilitySvg = Charts.writePngAndSvg(reliability, dir, RELIABILITY);
        String calibratedSvg = null;
        EvaluationReport.Temperature t = report.temperature();
        if (t != null) {
            XYChart calibrated = Charts.reliability(t.binsAfter(), String.format(Locale.ROOT,
                    "Reliability with T = %.4f (ECE %.4f, %d bins)", t.t(), t.eceAfter(), report.numBins()));
            calibratedSvg = Charts.writePngAndSvg(calibrated, dir, RELIABILITY_CALIBRATED);
        }
        AtomicFiles.writeString(dir.resolve(REPORT_HTML),
                HtmlReport.render(report, reliabilitySvg, join(confidenceSvg), calibratedSvg));
    }

    private static void startDaemon(Runnable task) {
        Thread thread = new Thread(task, "smoothcal-chart");
        thread.setDaemon(true);
        thread.start();
    }

    /** The future's value; its failure rethrown as it was thrown (a SmoothcalException stays one). */
    private static String join(CompletableFuture<String> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
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
