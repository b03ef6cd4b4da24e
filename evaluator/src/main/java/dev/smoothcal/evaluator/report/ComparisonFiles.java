package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Comparison}: {@code compare.json}, {@code compare.csv} (one row per model) and the
 * overlaid reliability diagram {@code reliability-overlay.png}/{@code .svg}; each file atomically.
 */
public final class ComparisonFiles {
    /** The comparison as JSON ({@link Comparison}). */
    public static final String COMPARE_JSON = "compare.json";
    /** One row per model: the headline numbers. */
    public static final String COMPARE_CSV = "compare.csv";
    /** Base name of the reliability overlay chart ({@code .png} and {@code .svg}). */
    public static final String OVERLAY = "reliability-overlay";
    /** Every file {@link #write} creates. */
    public static final List<String> ALL = List.of(COMPARE_JSON, COMPARE_CSV, OVERLAY + ".png", OVERLAY + ".svg");

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
        Charts.writePngAndSvg(Charts.reliabilityOverlay(
                comparison.models().stream().map(Comparison.Entry::label).toList(),
                comparison.models().stream().map(Comparison.Entry::bins).toList(),
                "Reliability on " + comparison.data().name()), dir, OVERLAY);
    }

    /** {@code label,model,output_kind,accuracy,nll,brier,ece,mce,ece_equal_mass,classwise_ece}, RFC 4180 quoting. */
    static String csv(Comparison c) {
        StringBuilder s = new StringBuilder("label,model,output_kind,accuracy,nll,brier,ece,mce,ece_equal_mass,classwise_ece\n");
        for (Comparison.Entry e : c.models()) {
            s.append(quote(e.label())).append(',').append(quote(e.path())).append(',').append(e.outputKind())
                    .append(String.format(Locale.ROOT, ",%.8f,%.8f,%.8f,%.8f,%.8f,%.8f,%.8f%n", e.accuracy(), e.nll(),
                            e.brier(), e.ece(), e.mce(), e.eceEqualMass(), e.classwiseEce()));
        }
        return s.toString();
    }

    private static String quote(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
