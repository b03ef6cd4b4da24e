package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.BootstrapReplicates;
import dev.smoothcal.core.metrics.ConfidenceInterval;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Comparison}: {@code compare.json}, {@code compare.csv} (one row per model),
 * {@code compare.html} (the tables with intervals and the models' reliability diagrams side by side) and the
 * overlaid reliability diagram {@code reliability-overlay.png}/{@code .svg}; each file atomically.
 */
public final class ComparisonFiles {
    /** The comparison as JSON ({@link Comparison}). */
    public static final String COMPARE_JSON = "compare.json";
    /** One row per model: the headline numbers. */
    public static final String COMPARE_CSV = "compare.csv";
    /** The comparison as one HTML page: metrics with intervals, differences, reliability diagrams. */
    public static final String COMPARE_HTML = "compare.html";
    /** Base name of the reliability overlay chart ({@code .png} and {@code .svg}). */
    public static final String OVERLAY = "reliability-overlay";
    /** Every file {@link #write} creates. */
    public static final List<String> ALL = List.of(COMPARE_JSON, COMPARE_CSV, COMPARE_HTML, OVERLAY + ".png", OVERLAY + ".svg");

    private ComparisonFiles() {
    }

    /**
     * Writes {@link #ALL} into {@code dir}, each file atomically.
     *
     * @param comparison what to write
     * @param dir the output folder; created when missing
     */
    public static void write(Comparison comparison, Path dir) {
        Json.write(dir.resolve(COMPARE_JSON), comparison);
        AtomicFiles.writeString(dir.resolve(COMPARE_CSV), csv(comparison));
        AtomicFiles.writeString(dir.resolve(COMPARE_HTML), ComparisonHtml.render(comparison));
        Diagrams.write(Diagrams.overlay(comparison.models().stream().map(Comparison.Entry::label).toList(),
                comparison.models().stream().map(Comparison.Entry::bins).toList(),
                "Reliability on " + comparison.data().name()), dir, OVERLAY);
    }

    /** The metrics with intervals, in column order, and their column names. */
    private static final List<BootstrapReplicates.Metric> WITH_INTERVALS = List.of(BootstrapReplicates.Metric.values());

    /**
     * {@code label,model,output_kind,accuracy,nll,brier,ece,mce,ece_equal_mass,classwise_ece}, then for each
     * metric with intervals ({@code accuracy,nll,brier,ece,mce,classwise_ece}) {@code M_lower,M_upper}, then
     * {@code M_diff,M_diff_lower,M_diff_upper} (this model minus the baseline, paired); interval cells are
     * empty without the bootstrap, difference cells on the baseline's row. RFC 4180 quoting.
     */
    static String csv(Comparison c) {
        StringBuilder s = new StringBuilder("label,model,output_kind,accuracy,nll,brier,ece,mce,ece_equal_mass,classwise_ece");
        for (BootstrapReplicates.Metric m : WITH_INTERVALS) {
            s.append(',').append(column(m)).append("_lower,").append(column(m)).append("_upper");
        }
        for (BootstrapReplicates.Metric m : WITH_INTERVALS) {
            s.append(',').append(column(m)).append("_diff,").append(column(m)).append("_diff_lower,")
                    .append(column(m)).append("_diff_upper");
        }
        s.append('\n');
        for (Comparison.Entry e : c.models()) {
            s.append(quote(e.label())).append(',').append(quote(e.path())).append(',').append(e.outputKind())
                    .append(String.format(Locale.ROOT, ",%.8f,%.8f,%.8f,%.8f,%.8f,%.8f,%.8f", e.accuracy(), e.nll(),
                            e.brier(), e.ece(), e.mce(), e.eceEqualMass(), e.classwiseEce()));
            for (BootstrapReplicates.Metric m : WITH_INTERVALS) {
                ConfidenceInterval i = e.intervals() == null ? null : e.intervals().of(m);
                s.append(',').append(cell(i == null ? null : i.lower())).append(',')
                        .append(cell(i == null ? null : i.upper()));
            }
            Comparison.Difference d = c.differences().stream().filter(x -> x.label().equals(e.label())).findFirst()
                    .orElse(null);
            for (BootstrapReplicates.Metric m : WITH_INTERVALS) {
                ConfidenceInterval i = d == null ? null : d.difference().of(m);
                s.append(',').append(cell(i == null ? null : i.estimate())).append(',')
                        .append(cell(i == null ? null : i.lower())).append(',')
                        .append(cell(i == null ? null : i.upper()));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static String column(BootstrapReplicates.Metric m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private static String cell(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.8f", v);
    }

    private static String quote(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
