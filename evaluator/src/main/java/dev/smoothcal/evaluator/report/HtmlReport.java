package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.metrics.AveragedScores;
import dev.smoothcal.core.metrics.ClassScores;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (no external resources, no scripts) with the headline
 * numbers, the temperature section (with the tempered model's reliability diagram), the calibrators side
 * by side (a table and one {@link Diagrams#reliability} panel each, after the model as it is), the reliability
 * diagram and confidence histogram of the model as it is, all charts as inline SVG, the per-class scores
 * and the confusion matrix. Every piece of text, class names and paths included, is
 * HTML-escaped.
 */
final class HtmlReport {
    private HtmlReport() {
    }

    /**
     * @param calibratedSvg reliability diagram with the fitted temperature; null without temperature scaling
     */
    static String render(EvaluationReport r, String reliabilitySvg, String histogramSvg, String calibratedSvg) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>smoothcal report: ").append(escape(r.model().path())).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                        + "margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
                        + "th{background:#eee}td.l,th.l{text-align:left}.warn{color:#a00;font-weight:bold}"
                        + ".charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{max-width:640px;height:auto}"
                        + "td.d{background:#dde8f6}</style>\n</head>\n<body>\n");
        h.append("<h1>smoothcal evaluation report</h1>\n<table>\n");
        info(h, "model", r.model().path());
        info(h, "input", r.model().inputName() + " " + r.model().inputShape() + ", layout " + r.model().layout().toUpperCase(Locale.ROOT));
        info(h, "output", r.model().output() + " (" + r.model().outputKind() + "), provider " + r.model().provider());
        info(h, "data", r.data().name() + ", " + r.data().size() + " images, " + r.data().classNames().size()
                + " classes");
        info(h, "data fingerprint", r.data().fingerprint());
        h.append("</table>\n<h2>Metrics</h2>\n<table>\n<tr><th class=\"l\">metric</th><th>value</th></tr>\n");
        metric(h, "accuracy", r.accuracy());
        r.topK().stream().filter(t -> t.k() > 1).forEach(t -> metric(h, "top-" + t.k() + " accuracy", t.accuracy()));
        metric(h, "NLL", r.nll());
        metric(h, "Brier", r.brier());
        metric(h, "ECE (" + r.numBins() + " equal-width bins)", r.ece());
        metric(h, "ECE equal-mass", r.eceEqualMass());
        metric(h, "MCE", r.mce());
        metric(h, "classwise ECE", r.classwiseEce());
        h.append("</table>\n");
        if (r.bootstrap() != null) {
            h.append("<p>").append(escape(String.format(Locale.ROOT,
                    "95%% bootstrap intervals (%d replicates): accuracy [%.4f, %.4f], ECE [%.4f, %.4f]",
                    r.bootstrap().replicates(), r.bootstrap().accuracy().lower(), r.bootstrap().accuracy().upper(),
                    r.bootstrap().expectedCalibrationError().lower(),
                    r.bootstrap().expectedCalibrationError().upper()))).append("</p>\n");
        }
        h.append("<p>").append(escape("throughput " + r.throughput().text())).append("</p>\n");
        EvaluationReport.Temperature t = r.temperature();
        if (t != null) {
            h.append("<h2>Temperature scaling</h2>\n<p>").append(escape(String.format(Locale.ROOT,
                    "T = %.4f fitted on %s (%d images, %s the bracket [0.05, 20]); probabilities = softmax(logits / T)",
                    t.t(), t.fittedOn(), t.fitSamples(), t.fitPosition().replace('_', ' ')))).append("</p>\n");
            if (t.warning() != null) {
                h.append("<p class=\"warn\">").append(escape(t.warning())).append("</p>\n");
            }
            h.append("<table>\n<tr><th class=\"l\">on ").append(escape(r.data().name()))
                    .append("</th><th>before</th><th>after</th></tr>\n");
            h.append("<tr><td class=\"l\">NLL</td>").append(cell(t.nllBefore())).append(cell(t.nllAfter())).append("</tr>\n");
            h.append("<tr><td class=\"l\">ECE</td>").append(cell(t.eceBefore())).append(cell(t.eceAfter())).append("</tr>\n");
            h.append("</table>\n");
            if (calibratedSvg != null) {
                h.append("<div class=\"charts\">\n").append(inline(calibratedSvg)).append("\n</div>\n");
            }
        }
        calibrators(h, r);
        h.append(t == null ? "<h2>Reliability</h2>\n" : "<h2>Reliability of the model as it is (T = 1)</h2>\n")
                .append("<div class=\"charts\">\n").append(inline(reliabilitySvg)).append('\n')
                .append(inline(histogramSvg)).append("\n</div>\n");
        List<String> names = r.data().classNames();
        h.append("<h2>Per class</h2>\n<table>\n<tr><th class=\"l\">class</th><th>precision</th><th>recall</th>"
                + "<th>F1</th><th>support</th></tr>\n");
        for (ClassScores c : r.classification().perClass()) {
            h.append("<tr><td class=\"l\">").append(escape(name(names, c.classIndex()))).append("</td>")
                    .append(cell(c.precision())).append(cell(c.recall())).append(cell(c.f1()))
                    .append("<td>").append(c.support()).append("</td></tr>\n");
        }
        average(h, "macro average", r.classification().macroAverage());
        average(h, "weighted average", r.classification().weightedAverage());
        h.append("</table>\n<h2>Confusion matrix</h2>\n<p>rows: true class, columns: predicted class</p>\n<table>\n"
                + "<tr><th class=\"l\">true \\ predicted</th>");
        List<List<Long>> matrix = r.classification().confusionMatrix();
        for (int k = 0; k < matrix.size(); k++) {
            h.append("<th>").append(escape(name(names, k))).append("</th>");
        }
        h.append("</tr>\n");
        for (int row = 0; row < matrix.size(); row++) {
            h.append("<tr><th class=\"l\">").append(escape(name(names, row))).append("</th>");
            List<Long> counts = matrix.get(row);
            for (int col = 0; col < counts.size(); col++) {
                h.append(row == col ? "<td class=\"d\">" : "<td>").append(counts.get(col)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p>").append(escape("format " + r.format())).append("</p>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The calibrators side by side: one table, then one reliability panel each after the model as it is. */
    private static void calibrators(StringBuilder h, EvaluationReport r) {
        if (r.calibration().isEmpty()) {
            return;
        }
        EvaluationReport.Calibration first = r.calibration().get(0);
        h.append("<h2>Calibrators</h2>\n<p>").append(escape(String.format(Locale.ROOT,
                "fitted on %s (%d images), measured on %s; 95%% bootstrap intervals", first.fittedOn(),
                first.fitSamples(), r.data().name()))).append("</p>\n");
        if (first.warning() != null) {
            h.append("<p class=\"warn\">").append(escape(first.warning())).append("</p>\n");
        }
        h.append("<table>\n<tr><th class=\"l\">calibrator</th><th>NLL</th><th>ECE</th><th>ECE 95%</th>"
                + "<th>classwise ECE</th><th>L2 ECE</th><th>smooth ECE</th><th>accuracy</th><th>accuracy 95%</th>"
                + "<th class=\"l\">fit</th></tr>\n");
        calibratorRow(h, "as is", r.nll(), r.ece(), r.classwiseEce(), r.eceL2(), r.smoothEce(), r.accuracy(),
                r.bootstrap(), "");
        for (EvaluationReport.Calibration c : r.calibration()) {
            calibratorRow(h, c.method(), c.nll(), c.ece(), c.classwiseEce(), c.eceL2(), c.smoothEce(), c.accuracy(),
                    c.bootstrap(), String.format(Locale.ROOT, "%s, %d iterations, fit NLL %.4f -> %.4f",
                            c.fit().convergence().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                            c.fit().iterations(), c.fit().nllBefore(), c.fit().nllAfter()));
        }
        h.append("</table>\n");
        if (r.export() != null) {
            h.append("<p>").append(escape(String.format(Locale.ROOT, "exported %s model %s: max |exported - Java| "
                    + "= %.2g over %d images (tolerance %.0g)", r.export().calibrator(), r.export().path(),
                    r.export().maxAbsDifference(), r.export().samples(), r.export().tolerance()))).append("</p>\n");
        }
        h.append("<div class=\"charts\">\n").append(inline(Diagrams.reliability(r.bins(), String.format(Locale.ROOT,
                "as is: ECE %.4f", r.ece())).svg())).append('\n');
        for (EvaluationReport.Calibration c : r.calibration()) {
            h.append(inline(Diagrams.reliability(c.bins(), String.format(Locale.ROOT, "%s: ECE %.4f", c.method(),
                    c.ece())).svg())).append('\n');
        }
        h.append("</div>\n");
    }

    private static void calibratorRow(StringBuilder h, String name, double nll, double ece, double classwise,
            double l2, double smooth, double accuracy, dev.smoothcal.core.metrics.BootstrapIntervals b, String fit) {
        h.append("<tr><td class=\"l\">").append(escape(name)).append("</td>").append(cell(nll)).append(cell(ece))
                .append(interval(b == null ? null : b.expectedCalibrationError())).append(cell(classwise))
                .append(cell(l2)).append(cell(smooth)).append(cell(accuracy))
                .append(interval(b == null ? null : b.accuracy())).append("<td class=\"l\">").append(escape(fit))
                .append("</td></tr>\n");
    }

    private static String interval(dev.smoothcal.core.metrics.ConfidenceInterval i) {
        return i == null ? "<td></td>" : "<td>" + String.format(Locale.ROOT, "[%.4f, %.4f]", i.lower(), i.upper())
                + "</td>";
    }

    /** Escapes the five characters with meaning in HTML text and attribute values. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The SVG document without its XML declaration and doctype, for inline use. */
    static String inline(String svg) {
        int start = svg.indexOf("<svg");
        return start < 0 ? "" : svg.substring(start);
    }

    private static String name(List<String> names, int k) {
        return k < names.size() ? names.get(k) : Integer.toString(k);
    }

    private static void info(StringBuilder h, String key, String value) {
        h.append("<tr><th class=\"l\">").append(escape(key)).append("</th><td class=\"l\">").append(escape(value))
                .append("</td></tr>\n");
    }

    private static void metric(StringBuilder h, String name, double value) {
        h.append("<tr><td class=\"l\">").append(escape(name)).append("</td>").append(cell(value)).append("</tr>\n");
    }

    private static void average(StringBuilder h, String name, AveragedScores a) {
        h.append("<tr><th class=\"l\">").append(escape(name)).append("</th>").append(cell(a.precision()))
                .append(cell(a.recall())).append(cell(a.f1())).append("<td>").append(a.support()).append("</td></tr>\n");
    }

    private static String cell(double v) {
        return "<td>" + String.format(Locale.ROOT, "%.4f", v) + "</td>";
    }
}
