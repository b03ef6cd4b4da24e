package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.metrics.ReliabilityBin;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes an {@link EvaluationReport} into a folder: {@code report.json} and {@code bins.csv}. */
public final class ReportFiles {
    public static final String REPORT_JSON = "report.json";
    public static final String BINS_CSV = "bins.csv";
    /** Every file this writer may create, for clash checks before work starts. */
    public static final List<String> ALL = List.of(REPORT_JSON, BINS_CSV);

    private ReportFiles() {
    }

    public static void write(EvaluationReport report, Path dir) {
        Json.write(dir.resolve(REPORT_JSON), report);
        StringBuilder csv = new StringBuilder("lower,upper,count,mean_confidence,accuracy,gap\n");
        for (ReliabilityBin b : report.bins()) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%d,%s,%s,%s%n", b.lower(), b.upper(), b.count(),
                    cell(b.meanConfidence()), cell(b.accuracy()), cell(b.gap())));
        }
        AtomicFiles.writeString(dir.resolve(BINS_CSV), csv.toString());
    }

    private static String cell(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.8f", v);
    }
}
