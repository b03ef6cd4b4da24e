package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.metrics.BootstrapReplicates.Metric;
import dev.smoothcal.core.metrics.ConfidenceInterval;
import java.util.List;
import java.util.Locale;

/**
 * {@code compare.html}: one self-contained page (no external resources, no scripts) with the models'
 * metrics side by side and their 95% bootstrap intervals, each model's paired difference to the
 * baseline (bold where the interval excludes 0), the gate verdicts when rules were given, and one
 * {@link Diagrams#reliability} panel per model, side by side. Every piece of text is HTML-escaped.
 */
final class ComparisonHtml {
    /** Table rows: name shown, the metric with intervals (null for equal-mass ECE, which has none). */
    private record Row(String name, Metric metric) {
    }

    private static final List<Row> ROWS = List.of(new Row("accuracy", Metric.ACCURACY), new Row("NLL", Metric.NLL),
            new Row("Brier", Metric.BRIER), new Row("ECE", Metric.ECE), new Row("ECE equal-mass", null),
            new Row("MCE", Metric.MCE), new Row("classwise ECE", Metric.CLASSWISE_ECE));

    private ComparisonHtml() {
    }

    static String render(Comparison c) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>smoothcal comparison: ").append(HtmlReport.escape(c.data().name())).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                        + "margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
                        + "th{background:#eee}td.l,th.l{text-align:left}small{color:#555}td.s{font-weight:bold}"
                        + ".charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{max-width:640px;height:auto}"
                        + ".warn{color:#a00;font-weight:bold}</style>\n</head>\n<body>\n");
        h.append("<h1>smoothcal comparison</h1>\n<p>").append(HtmlReport.escape(String.format(Locale.ROOT,
                "%s, %d images, %d classes, fingerprint %s", c.data().name(), c.data().size(),
                c.data().classNames().size(), c.data().fingerprint()))).append("</p>\n");
        Comparison.Bootstrap b = c.bootstrap();
        h.append("<p>").append(HtmlReport.escape(b == null ? "bootstrap off: no intervals"
                : String.format(Locale.ROOT, "%.0f%% Poisson-bootstrap percentile intervals, %d replicates (%d used), "
                        + "seed %d; equal-mass ECE has none", 100 * b.confidenceLevel(), b.replicates(),
                        b.replicatesUsed(), b.seed()))).append("</p>\n");
        h.append("<h2>Metrics</h2>\n<table>\n<tr><th class=\"l\">metric</th>");
        for (Comparison.Entry e : c.models()) {
            h.append("<th>").append(HtmlReport.escape(e.label())).append("</th>");
        }
        h.append("</tr>\n");
        for (Row row : ROWS) {
            h.append("<tr><td class=\"l\">").append(HtmlReport.escape(row.name())).append("</td>");
            for (Comparison.Entry e : c.models()) {
                double value = row.metric() == null ? e.eceEqualMass() : e.value(row.metric());
                ConfidenceInterval i = row.metric() == null || e.intervals() == null ? null
                        : e.intervals().of(row.metric());
                h.append("<td>").append(number(value)).append(interval(i)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("<tr><td class=\"l\">model</td>");
        for (Comparison.Entry e : c.models()) {
            h.append("<td class=\"l\">").append(HtmlReport.escape(e.path() + " (" + e.outputKind() + ")"))
                    .append("</td>");
        }
        h.append("</tr>\n</table>\n");
        if (!c.differences().isEmpty()) {
            h.append("<h2>Differences to ").append(HtmlReport.escape(b.baseline())).append("</h2>\n<p>")
                    .append(HtmlReport.escape("model minus baseline, paired replicates (the same images reweighted "
                            + "alike for every model); bold: the interval excludes 0")).append("</p>\n<table>\n"
                            + "<tr><th class=\"l\">metric</th>");
            for (Comparison.Difference d : c.differences()) {
                h.append("<th>").append(HtmlReport.escape(d.label() + " - " + d.baseline())).append("</th>");
            }
            h.append("</tr>\n");
            for (Row row : ROWS) {
                if (row.metric() == null) {
                    continue;
                }
                h.append("<tr><td class=\"l\">").append(HtmlReport.escape(row.name())).append("</td>");
                for (Comparison.Difference d : c.differences()) {
                    ConfidenceInterval i = d.difference().of(row.metric());
                    boolean excludesZero = i.lower() > 0 || i.upper() < 0;
                    h.append(excludesZero ? "<td class=\"s\">" : "<td>").append(signed(i.estimate()))
                            .append(interval(i)).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        for (Comparison.Entry e : c.models()) {
            if (e.gate() != null) {
                h.append("<p").append(e.gate().passed() ? ">" : " class=\"warn\">").append(HtmlReport.escape(
                        String.format(Locale.ROOT, "gate %s: %s (%d of %d rules failed)", e.label(),
                                e.gate().passed() ? "passed" : "FAILED", e.gate().failures().size(),
                                e.gate().verdicts().size()))).append("</p>\n");
            }
        }
        h.append("<h2>Reliability</h2>\n<div class=\"charts\">\n");
        for (Comparison.Entry e : c.models()) {
            h.append(HtmlReport.inline(Diagrams.reliability(e.bins(), String.format(Locale.ROOT, "%s: ECE %.4f",
                    e.label(), e.ece())).svg())).append('\n');
        }
        h.append("</div>\n<p>").append(HtmlReport.escape("format " + c.format())).append("</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.4f", v);
    }

    private static String interval(ConfidenceInterval i) {
        return i == null ? "" : String.format(Locale.ROOT, "<br><small>[%.4f, %.4f]</small>", i.lower(), i.upper());
    }
}
