package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.metrics.ReliabilityBin;
import java.util.List;
import java.util.Locale;

/**
 * A reliability diagram as hand-written SVG with real, selectable text (a few kB), in the common
 * convention (Guo et al. 2017; Niculescu-Mizil and Caruana 2005): one bar per non-empty equal-width bin,
 * its height the bin's accuracy; the gap between accuracy and mean confidence drawn on top of (or into)
 * the bar both ways, red and labelled "over" where the mean confidence exceeds the accuracy
 * (over-confident), blue and labelled "under" where it falls short; empty bins left empty (no bar); the
 * diagonal of perfect calibration dashed; each bar's count written above it; the legend below the plot,
 * never over a bar.
 */
final class ReliabilitySvg {
    private static final int WIDTH = 340;
    private static final int HEIGHT = 330;
    private static final int LEFT = 48;
    private static final int TOP = 34;
    private static final int PLOT = 260;

    private ReliabilitySvg() {
    }

    /**
     * @param bins the equal-width bins, empty ones included
     * @param title one line above the plot
     * @return the {@code <svg>} element
     */
    static String render(List<ReliabilityBin> bins, String title) {
        StringBuilder s = new StringBuilder(8192);
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"10\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"12\">%s</text>", LEFT,
                HtmlReport.escape(title)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>", LEFT, TOP, PLOT, PLOT));
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>", x(v), TOP + PLOT, x(v),
                    TOP + PLOT + 4, x(v), TOP + PLOT + 15, v));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>", LEFT - 4, y(v), LEFT, y(v),
                    LEFT - 6, y(v) + 3, v));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">confidence</text>",
                LEFT + PLOT / 2, TOP + PLOT + 28));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(12 %d) rotate(-90)\" "
                + "text-anchor=\"middle\">accuracy</text>", TOP + PLOT / 2));
        for (ReliabilityBin b : bins) {
            if (b.count() == 0) {
                continue;
            }
            double left = x(b.lower()) + 1;
            double width = Math.max(1, x(b.upper()) - x(b.lower()) - 2);
            double accuracy = b.accuracy();
            double confidence = b.meanConfidence();
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#6b8fc9\"><title>%s</title></rect>", left, y(accuracy), width, y(0) - y(accuracy),
                    HtmlReport.escape(String.format(Locale.ROOT, "(%.3f, %.3f]: %d images, accuracy %.4f, "
                            + "mean confidence %.4f", b.lower(), b.upper(), b.count(), accuracy, confidence))));
            boolean over = confidence > accuracy;
            double top = Math.max(accuracy, confidence);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\"/>", left, y(top), width,
                    Math.abs(y(accuracy) - y(confidence)), over ? "#d9534f" : "#3a7bd5", over ? "#a33" : "#225"));
            s.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" "
                    + "font-size=\"8\">%d</text>", left + width / 2 + 3, y(top) - 3, b.count()));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
                + "stroke-dasharray=\"4 3\"/>", x(0), y(0), x(1), y(1)));
        int legend = TOP + PLOT + 38;
        legendEntry(s, LEFT, legend, "#6b8fc9", "1", "accuracy");
        legendEntry(s, LEFT + 70, legend, "#d9534f", "0.55", "over: confidence > accuracy");
        legendEntry(s, LEFT, legend + 13, "#3a7bd5", "0.55", "under: confidence < accuracy");
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                + "stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\">diagonal; numbers: images per bin</text>",
                LEFT + 160, legend + 9, LEFT + 175, legend + 9, LEFT + 180, legend + 13));
        return s.append("</svg>").toString();
    }

    private static void legendEntry(StringBuilder s, int x, int y, String fill, String opacity, String label) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"%s\" "
                + "fill-opacity=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>", x, y, fill, opacity, x + 12, y + 8,
                HtmlReport.escape(label)));
    }

    private static double x(double v) {
        return LEFT + v * PLOT;
    }

    private static double y(double v) {
        return TOP + (1 - v) * PLOT;
    }
}
