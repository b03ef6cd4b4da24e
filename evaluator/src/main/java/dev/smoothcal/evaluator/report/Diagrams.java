package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.metrics.ReliabilityBin;
import dev.smoothcal.evaluator.report.Drawing.Anchor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Every chart of the evaluation files, each one {@link Drawing} written as SVG with real text and as
 * PNG from the same geometry: the reliability diagram, the overlay of several models' reliability
 * curves and the confidence histogram. All share one frame: a square plot of confidence in [0, 1]
 * against a value, ticks at fifths, axis titles, and a legend below the plot, never over a bar.
 *
 * <p>Reliability diagram, in the common convention (Guo et al. 2017; Niculescu-Mizil and Caruana 2005):
 * one bar per non-empty equal-width bin, its height the bin's accuracy; the gap between accuracy and mean
 * confidence drawn on top of (or into) the bar both ways, red and labelled "over" where the mean
 * confidence exceeds the accuracy (over-confident), blue and labelled "under" where it falls short; empty
 * bins left empty (no bar); the diagonal of perfect calibration dashed; each bar's count written above it.
 */
final class Diagrams {
    /** Pixels per SVG unit in the PNG files. */
    static final int PNG_SCALE = 2;

    private static final int WIDTH = 340;
    private static final int LEFT = 48;
    private static final int TOP = 34;
    private static final int PLOT = 260;
    private static final int LEGEND_TOP = TOP + PLOT + 38;
    private static final String ACCURACY = "#6b8fc9";
    private static final String OVER = "#d9534f";
    private static final String UNDER = "#3a7bd5";
    private static final String[] PALETTE = {"#1f5fa8", "#e07b00", "#2c8c3c", "#8e3ca8", "#b01c1c", "#4d4d4d"};

    private Diagrams() {
    }

    /**
     * @param bins the equal-width bins, empty ones included
     * @param title one line above the plot
     */
    static Drawing reliability(List<ReliabilityBin> bins, String title) {
        Drawing d = frame(title, LEGEND_TOP + 40, 1.0, 0.2, "%.1f", "accuracy");
        for (ReliabilityBin b : bins) {
            if (b.count() == 0) {
                continue;
            }
            double left = x(b.lower()) + 1;
            double width = Math.max(1, x(b.upper()) - x(b.lower()) - 2);
            double accuracy = b.accuracy();
            double confidence = b.meanConfidence();
            d.rect(left, y(accuracy, 1), width, y(0, 1) - y(accuracy, 1), ACCURACY, 1, null,
                    String.format(Locale.ROOT, "(%.3f, %.3f]: %d images, accuracy %.4f, mean confidence %.4f",
                            b.lower(), b.upper(), b.count(), accuracy, confidence));
            boolean over = confidence > accuracy;
            double top = Math.max(accuracy, confidence);
            d.rect(left, y(top, 1), width, Math.abs(y(accuracy, 1) - y(confidence, 1)), over ? OVER : UNDER, 0.55,
                    over ? "#aa3333" : "#222255", null);
            d.text(left + width / 2 + 3, y(top, 1) - 3, Long.toString(b.count()), 8, Anchor.START, true);
        }
        diagonal(d);
        swatch(d, LEFT, LEGEND_TOP, ACCURACY, 1, "accuracy");
        swatch(d, LEFT + 100, LEGEND_TOP, OVER, 0.55, "over: confidence > accuracy");
        d.line(LEFT, LEGEND_TOP + 18, LEFT + 9, LEGEND_TOP + 18, "#333333", 1, "4 3");
        d.text(LEFT + 12, LEGEND_TOP + 21, "diagonal", Anchor.START);
        swatch(d, LEFT + 100, LEGEND_TOP + 13, UNDER, 0.55, "under: confidence < accuracy");
        d.text(LEFT, LEGEND_TOP + 34, "numbers: images per bin", Anchor.START);
        return d;
    }

    /**
     * Several models' accuracy per non-empty bin as step lines over one diagonal, one colour each.
     *
     * @param labels one legend name per model
     * @param bins each model's equal-width bins, in the order of {@code labels}
     * @param title one line above the plot
     */
    static Drawing overlay(List<String> labels, List<List<ReliabilityBin>> bins, String title) {
        if (labels.size() != bins.size()) {
            throw SmoothcalException.defect("expected one label per model, found " + labels.size() + " labels for "
                    + bins.size() + " models");
        }
        Drawing d = frame(title, LEGEND_TOP + 13 * labels.size() + 13, 1.0, 0.2, "%.1f", "accuracy");
        for (int m = 0; m < labels.size(); m++) {
            String colour = PALETTE[m % PALETTE.length];
            ReliabilityBin previous = null;
            for (ReliabilityBin b : bins.get(m)) {
                if (b.count() == 0) {
                    previous = null;
                    continue;
                }
                double level = y(b.accuracy(), 1);
                if (previous != null) {
                    d.line(x(b.lower()), y(previous.accuracy(), 1), x(b.lower()), level, colour, 2, null);
                }
                d.line(x(b.lower()), level, x(b.upper()), level, colour, 2, null);
                previous = b;
            }
            int row = LEGEND_TOP + 13 * m;
            d.line(LEFT, row + 5, LEFT + 15, row + 5, colour, 2, null);
            d.text(LEFT + 20, row + 9, labels.get(m), Anchor.START);
        }
        diagonal(d);
        int row = LEGEND_TOP + 13 * labels.size();
        d.line(LEFT, row + 5, LEFT + 15, row + 5, "#333333", 1, "4 3");
        d.text(LEFT + 20, row + 9, "diagonal: perfect calibration", Anchor.START);
        return d;
    }

    /**
     * The share of images per bin of top-label confidence, with each bin's count above its bar and
     * vertical lines at the accuracy and the mean confidence.
     *
     * @param bins the equal-width bins, empty ones included
     * @param accuracy the accuracy, drawn as a vertical line
     * @param title one line above the plot
     */
    static Drawing confidenceHistogram(List<ReliabilityBin> bins, double accuracy, String title) {
        long total = bins.stream().mapToLong(ReliabilityBin::count).sum();
        double meanConfidence = bins.stream().filter(b -> b.count() > 0)
                .mapToDouble(b -> b.meanConfidence() * b.count()).sum() / Math.max(total, 1);
        double max = bins.stream().mapToDouble(b -> total == 0 ? 0 : (double) b.count() / total).max().orElse(0);
        double yMax = Math.min(1.0, max * 1.15 + 0.02);
        Drawing d = frame(title, LEGEND_TOP + 26, yMax, tickStep(yMax), "%.2f", "share of images");
        for (ReliabilityBin b : bins) {
            if (b.count() == 0) {
                continue;
            }
            double share = (double) b.count() / total;
            double left = x(b.lower()) + 1;
            double width = Math.max(1, x(b.upper()) - x(b.lower()) - 2);
            d.rect(left, y(share, yMax), width, y(0, yMax) - y(share, yMax), ACCURACY, 1, null,
                    String.format(Locale.ROOT, "(%.3f, %.3f]: %d images, share %.4f", b.lower(), b.upper(),
                            b.count(), share));
            d.text(left + width / 2 + 3, y(share, yMax) - 3, Long.toString(b.count()), 8, Anchor.START, true);
        }
        d.line(x(accuracy), y(0, yMax), x(accuracy), y(yMax, yMax), "#000000", 2, null);
        d.line(x(meanConfidence), y(0, yMax), x(meanConfidence), y(yMax, yMax), OVER, 2, "4 3");
        d.line(LEFT, LEGEND_TOP + 5, LEFT + 15, LEGEND_TOP + 5, "#000000", 2, null);
        d.text(LEFT + 20, LEGEND_TOP + 9, String.format(Locale.ROOT, "accuracy %.3f", accuracy), Anchor.START);
        d.line(LEFT + 130, LEGEND_TOP + 5, LEFT + 145, LEGEND_TOP + 5, OVER, 2, "4 3");
        d.text(LEFT + 150, LEGEND_TOP + 9, String.format(Locale.ROOT, "mean confidence %.3f", meanConfidence),
                Anchor.START);
        d.text(LEFT, LEGEND_TOP + 22, "numbers: images per bin", Anchor.START);
        return d;
    }

    /**
     * Writes {@code dir/baseName.svg} and {@code dir/baseName.png} ({@link #PNG_SCALE} pixels per unit),
     * each atomically.
     */
    static void write(Drawing drawing, Path dir, String baseName) {
        AtomicFiles.writeString(dir.resolve(baseName + ".svg"), drawing.svg());
        AtomicFiles.write(dir.resolve(baseName + ".png"), out -> drawing.writePng(out, PNG_SCALE));
    }

    /** Title, plot frame, ticks at fifths of [0, 1] (x) and every {@code yStep} of [0, yMax] (y), axis titles. */
    private static Drawing frame(String title, int height, double yMax, double yStep, String yFormat, String yTitle) {
        Drawing d = new Drawing(WIDTH, height, title);
        d.text(LEFT, 16, title, 12, Anchor.START, false);
        d.rect(LEFT, TOP, PLOT, PLOT, "none", 1, "#888888", null);
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            d.line(x(v), TOP + PLOT, x(v), TOP + PLOT + 4, "#888888", 1, null);
            d.text(x(v), TOP + PLOT + 15, String.format(Locale.ROOT, "%.1f", v), Anchor.MIDDLE);
        }
        for (int i = 0; i * yStep <= yMax * (1 + 1e-9); i++) {
            double w = i * yStep;
            d.line(LEFT - 4, y(w, yMax), LEFT, y(w, yMax), "#888888", 1, null);
            d.text(LEFT - 6, y(w, yMax) + 3, String.format(Locale.ROOT, yFormat, w), Anchor.END);
        }
        d.text(LEFT + PLOT / 2.0, TOP + PLOT + 28, "confidence", Anchor.MIDDLE);
        d.text(12, TOP + PLOT / 2.0, yTitle, 10, Anchor.MIDDLE, true);
        return d;
    }

    /** The smallest of 1, 2, 2.5 or 5 times a power of ten that gives at most 7 ticks on [0, max]. */
    static double tickStep(double max) {
        double rough = max / 6;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= rough * (1 - 1e-9)) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static void diagonal(Drawing d) {
        d.line(x(0), y(0, 1), x(1), y(1, 1), "#333333", 1, "4 3");
    }

    private static void swatch(Drawing d, int x, int y, String fill, double opacity, String label) {
        d.rect(x, y, 9, 9, fill, opacity, null, null);
        d.text(x + 12, y + 8, label, Anchor.START);
    }

    private static double x(double v) {
        return LEFT + v * PLOT;
    }

    /** The y coordinate of value {@code v} on an axis from 0 (bottom) to {@code max} (top). */
    private static double y(double v, double max) {
        return TOP + (1 - v / max) * PLOT;
    }
}
